/** Every sentence the bot says, in one place (zh-CN). */
export const BOT_NAME = '企业服务一号线';

export const HUMAN = '转人工';
export const MENU = '主菜单';

export const messages = {
  welcome: [
    `您好，这里是 12345 ${BOT_NAME}，7×24 小时为企业答疑。`,
    '社保、医保、公积金、工伤、失业、生育、退休等问题，直接输入即可，例如“新员工入职怎么办理社保增员”。',
    '下面是常见问题分类：',
  ].join('\n\n'),
  menu: '请选择您想了解的分类，或直接输入问题：',
  broad: '社保涉及的事项比较多，请选择具体分类，或把问题说得具体一些（例如“社保断缴有什么影响”）：',
  topicIntro: (topic: string) => `“${topic}”常见问题，点选或直接输入您的问题：`,
  topicEmpty: (topic: string) => `“${topic}”分类暂时还没有收录问题，您可以直接输入问题，或${HUMAN}。`,
  clarify: '您是不是想问以下问题？请点选，或回复序号：',
  handoff: [
    '抱歉，这个问题我还不能准确回答。为避免误导您，建议由人工为您处理。',
    `您可以回复“${HUMAN}”，或换个说法再问一次。`,
  ].join('\n\n'),
  outOfScope: (department: string) =>
    [
      `这不属于企业社保专线的范围，一般由${department}负责。`,
      `您可以拨打 12345 政务服务便民热线咨询，或回复“${HUMAN}”由工作人员为您转办。`,
    ].join('\n\n'),
  needsContext: '您想问的是哪方面的问题？请把问题说完整一些（例如“失业金能领多久”），或选择分类：',
  human: [
    '人工服务：请拨打 12345 政务服务便民热线，按语音提示选择“企业服务专线”，工作人员将为您处理。',
  ].join('\n\n'),
  thanks: `不客气！还有其他问题可以继续问我，需要人工时回复“${HUMAN}”。`,
  identity: `我是 12345 ${BOT_NAME}的智能客服，回答企业社保、医保、公积金等常见问题；答不准的问题会建议您转人工，不会乱答。`,
  goodbye: '感谢您的咨询，祝工作顺利！有问题随时再来。',
  emptyInput: '请输入文字问题，例如“公积金缴存比例是多少”。',
  tooLong: '您的问题有点长，我只看了前面的部分。如果没有答到点上，请用一两句话概括一下。',
  basis: (items: readonly string[]) => `政策依据：${items.join('；')}`,
  localNote: '以上涉及的费率、基数、地址等以当地规定为准。',
  related: '您可能还想了解：',
  turnError: [
    '抱歉，系统刚才出了点问题，您的消息没有处理成功。',
    `请稍后再试，或回复“${HUMAN}”由工作人员为您服务。`,
  ].join('\n\n'),
} as const;
