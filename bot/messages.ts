/** Every sentence the bot says, in one place (zh-CN). */
export const BOT_NAME = '企业服务一号线';

export const HUMAN = '转人工';
export const MENU = '主菜单';
export const REGISTER = '登记工单';
export const RESOLVED = '解决了';
export const NOT_RESOLVED = '没解决';
export const CANCEL = '取消';
export const INDIVIDUAL = '个人';
export const KEEP = '确认';
export const SUBMIT = '确认提交';
export const EDIT = '修改';
export const RATINGS = ['满意', '基本满意', '不满意'] as const;
export const SKIP = '跳过';

export const messages = {
  welcome: [
    `您好，这里是 12345 ${BOT_NAME}，7×24 小时为企业答疑。`,
    '社保、医保、公积金、工伤、失业、生育、退休等问题，直接输入即可，例如“新员工入职怎么办理社保增员”。',
    '下面是常见问题分类：',
  ].join('\n\n'),
  menu: '请选择您想了解的分类，或直接输入问题：',
  stillHere: '好的，我一直在线。有社保、医保、公积金等方面的问题，直接输入就行，也可以选择分类：',
  broad: '社保涉及的事项比较多，请选择具体分类，或把问题说得具体一些（例如“社保断缴有什么影响”）：',
  topicIntro: (topic: string) => `“${topic}”常见问题，点选或直接输入您的问题：`,
  topicEmpty: (topic: string) => `“${topic}”分类暂时还没有收录问题，您可以直接输入问题，或${HUMAN}。`,
  clarify: '您是不是想问以下问题？请点选，或回复序号：',
  clarifyBesides: (department: string) => `您是不是想问以下问题？请点选，或回复序号。如果问的是别的事项，一般由${department}负责。`,
  handoff: '抱歉，这个问题我还不能准确回答。为避免误导您，我不作猜测；您也可以换个说法再问一次。',
  handoffAgain: '这个问题看来需要工作人员来处理。',
  outOfScope: (department: string) => `这不属于企业社保专线的范围，一般由${department}负责，也可以拨打 12345 政务服务便民热线咨询。`,
  needsContext: '您想问的是哪方面的问题？请把问题说完整一些（例如“失业金能领多久”），或选择分类：',
  thanks: `不客气！还有其他问题可以继续问我，需要人工时回复“${HUMAN}”。`,
  identity: `我是 12345 ${BOT_NAME}的智能客服，回答企业社保、医保、公积金等常见问题；答不准的问题会建议您转人工，不会乱答。`,
  goodbye: '感谢您的咨询，祝工作顺利！有问题随时再来。',
  emptyInput: '请输入文字问题，例如“公积金缴存比例是多少”。',
  tooLong: '您的问题有点长，我只看了前面的部分。如果没有答到点上，请用一两句话概括一下。',
  basis: (items: readonly string[]) => `政策依据：${items.join('；')}`,
  localNote: '以上涉及的费率、基数、地址等以当地规定为准。',
  related: '您可能还想问：',
  passagesIntro: (question: string) => `刚才的答复“${question}”里，说到这一点的是：`,
  passagesOutro: `如果这没有回答您的问题，可以点“${NOT_RESOLVED}”转人工。`,
  unclear: (question: string) =>
    `抱歉没说清楚。刚才的答复是“${question}”：您可以告诉我哪一点没看明白（例如“要带什么材料”“多久能办好”），我找出对应的说明；也可以再看一遍完整答复，或者${HUMAN}。`,
  unclearNothing: `抱歉没说清楚。您可以换个说法再问一次，或者点“${HUMAN}”由工作人员解答。`,
  nothingToRepeat: '还没有可以重复的答复。请直接输入您的问题，或选择分类：',
  notInLastAnswer: (question: string) => `刚才的答复“${question}”里没有找到这一点的具体说明。`,
  notInLastChoices: `您是不是想问以下问题？请点选，或回复序号；也可以点“${HUMAN}”：`,
  wholeAnswer: '看完整答复',
  offerTicket: (outlook: { department: string; due: string }) => `可以为您登记工单，由${outlook.department}办理，预计 ${outlook.due} 前答复。需要登记吗？`,
  startIntake: {
    human_request: '好的，为您转人工：先登记几项信息，工作人员会按工单联系您（随时回复“取消”可退出）。',
    complaint: '收到您的反映。投诉、举报需要人工受理，先登记几项信息（随时回复“取消”可退出）。',
    // Distress cues include thoughts of ending one's life (不想活了, 药都准备好了): the national psychological
    // assistance line 12356 is named beside the emergency numbers, before any form is asked for.
    urgent:
      '您反映的情况很紧急。如有人身危险请立即拨打 110 或 120；如果您心里压力很大、有想不开的念头，可以随时拨打 12356 心理援助热线，有人会听您说。同时为您登记加急工单，只需留下称呼和电话，工作人员会尽快联系您（随时回复“取消”可退出）。',
    default: '好的，为您登记工单，先登记几项信息（随时回复“取消”可退出）。',
  } as Record<string, string>,
  resolvedThanks: '很高兴帮到您！还有其他问题可以继续问我。',
  notResolved: '抱歉没能解决您的问题。',
  intake: {
    enterprise: `请输入企业全称（个人咨询请回复“${INDIVIDUAL}”）：`,
    enterpriseInvalid: `请输入营业执照上的企业全称（2 到 100 个字；个人咨询请回复“${INDIVIDUAL}”）：`,
    creditCode: '请输入企业的统一社会信用代码（18 位，营业执照上可以找到）：',
    creditCodeRetry: '请核对后重新输入；如果确认号码无误，再发送一次同样的号码即可。',
    creditCodeUnverified: '好的，已按您提供的号码登记，工作人员会再核实。',
    contactName: '请问怎么称呼您？（联系人姓名）',
    contactNameInvalid: '请输入联系人的姓名（1 到 30 个字，如“王会计”“李女士”）：',
    questionNotName: (what: string) => `这一步需要填写${what}。您的问题稍后可以写进工单的诉求里；想先提问，请回复“取消”退出登记。请输入${what}：`,
    mobile: '请留一个手机号，方便承办部门联系您：',
    mobileKnown: (masked: string) => `请留一个手机号，方便承办部门联系您（沿用上次的 ${masked} 请回复“${KEEP}”）：`,
    request: (draft: string) => `您要反映的问题是：\n\n“${draft}”\n\n回复“${KEEP}”继续，或直接输入新的描述。`,
    requestEmpty: '请简要描述您的问题或诉求：',
    requestTruncated: (max: number) => `描述较长，只保留了前 ${max} 个字，工作人员会结合对话记录查看。`,
    keepPrevious: (value: string) => `沿用：${value}`,
    summary: (lines: string[]) => ['请核对登记信息：', ...lines, `无误请点“${SUBMIT}”，需要改动请点“${EDIT}”。`].join('\n'),
    cancelled: '已取消登记，您可以继续提问。',
    failed: '抱歉，工单暂时没有登记成功，请稍后再试，或拨打 12345 政务服务便民热线。',
  },
  receipt: (r: { number: string; category: string; department: string; due: string; redListTier?: string }) =>
    [
      `工单已登记，编号 **${r.number}**。`,
      `类别：${r.category}；承办：${r.department}；预计 ${r.due} 前答复。`,
      ...(r.redListTier ? [`贵企业在重点企业名单（${r.redListTier}）中，我们会优先办理。`] : []),
      '办理进展会在这里通知您；也可以随时回复“查询工单”或工单编号查看进度。',
    ].join('\n\n'),
  status: {
    none: '没有找到您在本渠道登记的工单。如在其他渠道登记过，请发送工单编号（如 QY20261130-0042）。',
    askMobile: '为保护隐私，请输入登记该工单时留的手机号：',
    notFound: '未找到该工单，请核对工单编号和手机号。',
    tooManyTries: '查询次数过多，请一小时后再试，或拨打 12345 政务服务便民热线。',
    one: (t: { number: string; state: string; department: string; updated: string; due: string; reply?: string }) =>
      [`工单 ${t.number}：${t.state}`, `承办：${t.department}；最近更新：${t.updated}；预计 ${t.due} 前答复。`, ...(t.reply ? [`答复：${t.reply}`] : [])].join(
        '\n',
      ),
    list: (lines: string[]) => ['您最近的工单：', ...lines].join('\n'),
  },
  survey: {
    comment: `请简单说说哪里不满意（可回复“${SKIP}”）：`,
    thanks: '感谢您的评价！',
    reopened: '已记录您的意见，工单将重新办理，有进展会再通知您。',
    unknown: '这张工单现在无法评价，可以回复“查询工单”查看进度。',
  },
  notices: {
    dispatched: (n: { number: string; department: string; due: string }) => `您的工单 ${n.number} 已派至${n.department}办理，预计 ${n.due} 前答复。`,
    answered: (n: { number: string; department: string; reply: string }) => `您的工单 ${n.number} 有了答复（${n.department}）：\n\n${n.reply}`,
    extended: (n: { number: string; due: string }) => `您的工单 ${n.number} 办理时限已延长，预计 ${n.due} 前答复。`,
    resolved: (n: { number: string; reply?: string }) =>
      [`您的工单 ${n.number} 已办结。`, ...(n.reply ? [`办理结果：${n.reply}`] : []), '您对办理结果满意吗？'].join('\n\n'),
    reopened: (n: { number: string; due: string }) => `您的工单 ${n.number} 已重新办理，预计 ${n.due} 前答复。`,
    merged: (n: { number: string; into: string }) => `您反映的问题与工单 ${n.into} 相同，已合并办理；答复时会一并通知您（原工单 ${n.number}）。`,
    agent: (text: string) => `【人工坐席】${text}`,
    agentJoined: (name?: string) => `人工坐席${name ? ` ${name} ` : ''}已接入，请直接说明您的问题。`,
    agentLeft: '人工坐席已结束本次对话，智能客服继续为您服务。',
    noAgent: (number?: string) => `暂时没有坐席可以接入，${number ? `您的工单 ${number} 已登记，` : ''}工作人员会按工单尽快处理并在这里通知您。`,
  },
  turnError: ['抱歉，系统刚才出了点问题，您的消息没有处理成功。', `请稍后再试，或回复“${HUMAN}”由工作人员为您服务。`].join('\n\n'),
} as const;
