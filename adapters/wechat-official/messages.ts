/** Every sentence the WeChat channels themselves say (zh-CN); the bot's own words live in bot/. */
export const wechatMessages = {
  /** Images, files, voice without recognition, locations, videos: the bot reads text only. */
  textOnly: '目前只能处理文字消息，请用文字描述您的问题，我们会尽快为您解答。',
  /** Appended to the last message WeChat lets us send before the user writes again. */
  lastInWindow: '如需继续咨询或查看办理进度，请回复“查询工单”查看进度。',
  /** Before numbered choices: the user answers with a digit. */
  choicePrompt: '回复数字选择：',
} as const;
