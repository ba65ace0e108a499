/** Row types of every table, shared by both engines. JSON travels as text for portability. */
export interface BotStateTable {
  key: string;
  data: string;
  etag: string;
  updated_at: string;
}

export interface AppSecretTable {
  name: string;
  value: string;
  created_at: string;
}

export interface DirectLineConversationTable {
  id: string;
  user_id: string;
  last_seq: number;
  created_at: string;
  updated_at: string;
}

export interface DirectLineActivityTable {
  conversation_id: string;
  seq: number;
  activity: string;
  created_at: string;
}

export interface Database {
  bot_state: BotStateTable;
  app_secrets: AppSecretTable;
  dl_conversations: DirectLineConversationTable;
  dl_activities: DirectLineActivityTable;
}
