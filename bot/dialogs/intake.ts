import type { StatePropertyAccessor } from 'botbuilder';
import {
  ComponentDialog,
  type DialogContext,
  type DialogTurnResult,
  type PromptValidatorContext,
  TextPrompt,
  WaterfallDialog,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { ConversationMemory } from '../memory.ts';
import { CANCEL, EDIT, INDIVIDUAL, KEEP, messages, SUBMIT } from '../messages.ts';
import { offering, plain } from '../replies.ts';
import { requesterOf } from '../requester.ts';
import type { TicketDraft, TicketPort, TicketReceipt } from '../ticket-port.ts';
import { INTAKE_DIALOG, type IntakeOptions } from './intake-options.ts';

const STEPS = 'intake.steps';
const ENTERPRISE = 'intake.enterprise';
const CREDIT_CODE = 'intake.creditCode';
const CONTACT = 'intake.contact';
const MOBILE = 'intake.mobile';
const REQUEST = 'intake.request';
/** The request when there is no draft to keep: “确认” there keeps nothing, so it is asked for again. */
const NEW_REQUEST = 'intake.newRequest';
const CONFIRM = 'intake.confirm';

export const MAX_REQUEST_CHARS = 2000;
const CANCEL_WORDS = /^(取消|退出|算了|不登记了|不用了)[。.!！]*$/;

interface Values extends IntakeOptions {
  draft: Partial<TicketDraft>;
  /** The number this user gave last time, offered again. */
  previousMobile?: string;
}

/**
 * Registers a ticket in the chat (BotBuilder-Samples style: one waterfall, a prompt per field, validators that
 * explain what is wrong): enterprise, credit code, contact, mobile, the request, a summary to confirm. "取消" leaves
 * at any step; the state lives in ConversationState, so a restart continues where the user was.
 */
export class IntakeDialog extends ComponentDialog {
  constructor(
    private readonly tickets: TicketPort,
    private readonly memory: StatePropertyAccessor<ConversationMemory>,
  ) {
    super(INTAKE_DIALOG);
    this.addDialog(new TextPrompt(ENTERPRISE, (p) => this.validateEnterprise(p)));
    this.addDialog(new TextPrompt(CREDIT_CODE, (p) => this.validateCreditCode(p)));
    this.addDialog(new TextPrompt(CONTACT, (p) => this.validateContact(p)));
    this.addDialog(new TextPrompt(MOBILE, (p) => this.validateMobile(p)));
    this.addDialog(new TextPrompt(REQUEST, async (p) => Boolean(p.recognized.value?.trim())));
    this.addDialog(new TextPrompt(NEW_REQUEST, async (p) => ![undefined, '', KEEP].includes(p.recognized.value?.trim())));
    this.addDialog(new TextPrompt(CONFIRM, async (p) => [SUBMIT, EDIT].includes(p.recognized.value?.trim() ?? '')));
    this.addDialog(
      new WaterfallDialog(STEPS, [
        (s) => this.askEnterprise(s),
        (s) => this.askCreditCode(s),
        (s) => this.askContact(s),
        (s) => this.askMobile(s),
        (s) => this.askRequest(s),
        (s) => this.askConfirmation(s),
        (s) => this.finish(s),
      ]),
    );
    this.initialDialogId = STEPS;
  }

  /** "取消" (and its spoken forms) ends the intake from any step. */
  protected override async onContinueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    if (CANCEL_WORDS.test(dc.context.activity.text?.trim() ?? '')) {
      await dc.context.sendActivity(messages.intake.cancelled);
      return dc.cancelAllDialogs(true);
    }
    return super.onContinueDialog(dc);
  }

  private async askEnterprise(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const values = this.values(step);
    values.draft ??= {};
    // Someone in danger or despair needs a call back, not a form about their company: an urgent ticket asks only how
    // to reach them (the agent learns the rest on the phone).
    if (values.reason === 'urgent') return step.next(INDIVIDUAL);
    return this.ask(step, ENTERPRISE, messages.intake.enterprise, [INDIVIDUAL, ...keep(values.draft.enterpriseName), CANCEL]);
  }

  private async askCreditCode(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const draft = this.values(step).draft;
    const answer = kept(String(step.result));
    draft.enterpriseName = answer === INDIVIDUAL ? undefined : answer;
    if (!draft.enterpriseName) {
      draft.creditCode = undefined;
      return step.next();
    }
    const known = draft.creditCode ?? this.values(step).knownCreditCode;
    return this.ask(step, CREDIT_CODE, messages.intake.creditCode, [...keep(known), CANCEL]);
  }

  private async askContact(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const draft = this.values(step).draft;
    if (draft.enterpriseName && typeof step.result === 'string') {
      const given = kept(step.result);
      const checked = this.tickets.checkCreditCode(given);
      draft.creditCode = checked.ok ? checked.value : given.toUpperCase().replace(/\s+/g, '');
      draft.creditCodeUnverified = !checked.ok;
      if (!checked.ok) await step.context.sendActivity(messages.intake.creditCodeUnverified);
    }
    return this.ask(step, CONTACT, messages.intake.contactName, [...keep(draft.contactName), CANCEL]);
  }

  private async askMobile(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const draft = this.values(step).draft;
    draft.contactName = kept(String(step.result)).trim();
    const previous = draft.mobile ?? (await this.tickets.lastMobile(requesterOf(step.context)));
    this.values(step).previousMobile = previous;
    const text = previous ? messages.intake.mobileKnown(maskMobile(previous)) : messages.intake.mobile;
    return this.ask(step, MOBILE, text, previous ? [KEEP, CANCEL] : [CANCEL]);
  }

  private async askRequest(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const values = this.values(step);
    const answer = String(step.result).trim();
    const checked = this.tickets.checkMobile(answer);
    values.draft.mobile = answer === KEEP ? values.previousMobile : checked.ok ? checked.value : answer;
    const draft = values.draft.request ?? values.request;
    if (!draft) return this.ask(step, NEW_REQUEST, messages.intake.requestEmpty, [CANCEL]);
    return this.ask(step, REQUEST, messages.intake.request(draft), [KEEP, CANCEL]);
  }

  private async askConfirmation(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const values = this.values(step);
    const answer = String(step.result).trim();
    let request = answer === KEEP ? (values.draft.request ?? values.request) : answer;
    if (request.length > MAX_REQUEST_CHARS) {
      request = request.slice(0, MAX_REQUEST_CHARS);
      await step.context.sendActivity(messages.intake.requestTruncated(MAX_REQUEST_CHARS));
    }
    values.draft.request = request;
    return this.ask(step, CONFIRM, messages.intake.summary(summaryLines(values.draft)), [SUBMIT, EDIT, CANCEL]);
  }

  private async finish(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const values = this.values(step);
    if (String(step.result).trim() === EDIT) return step.replaceDialog(STEPS, values);
    const memory = await this.memory.get(step.context, {});
    const draft = { ...values.draft, reason: values.reason, transcript: values.transcript ?? [] } as TicketDraft;
    let receipt: TicketReceipt;
    try {
      receipt = await this.tickets.create(requesterOf(step.context), draft);
    } catch (err) {
      await step.context.sendActivity(messages.intake.failed);
      throw err;
    }
    memory.misses = 0;
    await step.context.sendActivity(offering(memory, messages.receipt(receipt), [plain('查询工单'), plain('主菜单')], 'markdown'));
    return step.endDialog(receipt);
  }

  private async ask(step: WaterfallStepContext, prompt: string, text: string, buttons: string[]): Promise<DialogTurnResult> {
    const memory = await this.memory.get(step.context, {});
    return step.prompt(prompt, { prompt: offering(memory, text, buttons.map(plain)) });
  }

  private values(step: WaterfallStepContext): Values {
    // The waterfall's options are its values: 修改 restarts it with them, so nothing typed is lost.
    return step.options as Values;
  }

  private async validateEnterprise(p: PromptValidatorContext<string>): Promise<boolean> {
    const value = kept(p.recognized.value?.trim() ?? '');
    if (looksLikeQuestion(value)) {
      await p.context.sendActivity(messages.intake.questionNotName(`企业全称（个人咨询请回复“${INDIVIDUAL}”）`));
      return false;
    }
    if (value === INDIVIDUAL || (isName(value, 2) && value.length <= 100)) return true;
    await p.context.sendActivity(messages.intake.enterpriseInvalid);
    return false;
  }

  /** A code that fails the check is re-asked with the reason; the same code sent twice is taken for review. */
  private async validateCreditCode(p: PromptValidatorContext<string>): Promise<boolean> {
    const value = kept(p.recognized.value?.trim() ?? '');
    const checked = this.tickets.checkCreditCode(value);
    if (checked.ok) return true;
    const normalized = value.toUpperCase().replace(/\s+/g, '');
    const state = p.state as { lastRefused?: string };
    if (state.lastRefused === normalized && normalized.length === 18) return true;
    state.lastRefused = normalized;
    await p.context.sendActivity(`${checked.problem}${messages.intake.creditCodeRetry}`);
    return false;
  }

  private async validateContact(p: PromptValidatorContext<string>): Promise<boolean> {
    const value = kept(p.recognized.value?.trim() ?? '');
    if (looksLikeQuestion(value)) {
      await p.context.sendActivity(messages.intake.questionNotName('联系人姓名'));
      return false;
    }
    if (isName(value, 1) && value.length <= 30) return true;
    await p.context.sendActivity(messages.intake.contactNameInvalid);
    return false;
  }

  private async validateMobile(p: PromptValidatorContext<string>): Promise<boolean> {
    const value = p.recognized.value?.trim() ?? '';
    if (value === KEEP) return true;
    const checked = this.tickets.checkMobile(value);
    if (checked.ok) return true;
    await p.context.sendActivity(checked.problem);
    return false;
  }
}

/**
 * A question typed where a name is asked (社保卡丢了怎么补办 in answer to 企业全称): names never carry a question mark
 * or a question word, so it is not taken as one.
 */
const QUESTION = /[?？]|怎么|怎样|如何|为什么|为啥|什么|多少|哪里|哪儿|[在去到]哪|咋|能不能|可不可以|是不是|要不要|吗$|呢$/;

function looksLikeQuestion(text: string): boolean {
  return QUESTION.test(text);
}

/**
 * A name is made of letters (汉字 or Latin), at least `letters` of them, and is not a chat reply: 🙏🙏, 。。。 or 好的
 * typed where a name is asked would otherwise be registered as the enterprise or the contact.
 */
const CHAT_REPLY = /^(好的?|好吧|行|对|是的?|嗯+|哦+|噢+|ok|okay|收到|谢谢.*|不知道|没有|无)$/i;

function isName(text: string, letters: number): boolean {
  const bare = text.replace(/[\s\p{P}\p{S}]/gu, '');
  return (bare.match(/\p{L}/gu)?.length ?? 0) >= letters && !CHAT_REPLY.test(bare);
}

/** A button offering to keep what the user gave before 修改. */
function keep(value: string | undefined): string[] {
  return value ? [messages.intake.keepPrevious(value)] : [];
}

function kept(answer: string): string {
  const prefix = messages.intake.keepPrevious('');
  return answer.startsWith(prefix) ? answer.slice(prefix.length) : answer;
}

export function maskMobile(mobile: string): string {
  return mobile.replace(/^(\d{3})\d{4}(\d{4})$/, '$1****$2');
}

function summaryLines(d: Partial<TicketDraft>): string[] {
  return [
    `企业：${d.enterpriseName ?? '个人'}`,
    ...(d.enterpriseName ? [`统一社会信用代码：${d.creditCode ?? ''}${d.creditCodeUnverified ? '（待核实）' : ''}`] : []),
    `联系人：${d.contactName ?? ''}`,
    `手机：${maskMobile(d.mobile ?? '')}`,
    `诉求：${d.request ?? ''}`,
  ];
}
