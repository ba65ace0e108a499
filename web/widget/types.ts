// The subset of the Bot Framework activity schema the widget reads or writes.
// Everything is optional because it arrives from the network and must be treated as untrusted.

export interface CardAction {
  type?: string; // imBack | postBack | messageBack | openUrl (others are ignored)
  title?: string;
  value?: unknown;
  text?: string;
  displayText?: string;
}

export interface CardImage {
  url?: string;
  alt?: string;
}

/** Content of hero and thumbnail cards (same shape, different layout). */
export interface HeroCardContent {
  title?: string;
  subtitle?: string;
  text?: string;
  images?: CardImage[];
  buttons?: CardAction[];
}

export interface Attachment {
  contentType?: string;
  content?: unknown;
  contentUrl?: string;
  name?: string;
}

export interface ChannelData {
  clientActivityID?: string;
  /** What the user saw on the button they pressed; shown instead of `text` on reload. */
  displayText?: string;
  [key: string]: unknown;
}

export interface Activity {
  type?: string;
  id?: string;
  timestamp?: string;
  from?: { id?: string; name?: string; role?: string };
  text?: string;
  value?: unknown;
  locale?: string;
  attachments?: Attachment[];
  attachmentLayout?: string; // 'list' (default) or 'carousel'
  suggestedActions?: { actions?: CardAction[] };
  channelData?: ChannelData;
}

export interface ActivitySet {
  activities?: Activity[];
  watermark?: string;
}

export interface ConversationInfo {
  conversationId: string;
  token: string;
  expires_in?: number;
  streamUrl?: string;
}
