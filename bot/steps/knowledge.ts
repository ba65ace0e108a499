import type { KnowledgePort } from '../knowledge-port.ts';
import { messages } from '../messages.ts';
import type { Replies } from '../replies.ts';
import type { Step } from '../router.ts';

const MAX_QUESTION_CHARS = 500;

/** The last step: search the knowledge base and answer, offer choices, or hand over. */
export function knowledgeStep(knowledge: KnowledgePort, replies: Replies): Step {
  return async (turn) => {
    if (turn.text.length > MAX_QUESTION_CHARS) await replies.say(turn, messages.tooLong);
    const result = await knowledge.search(turn.text.slice(0, MAX_QUESTION_CHARS), { lastEntryId: turn.memory.lastEntryId });
    if (result.needsContext) {
      await replies.needsContext(turn);
      return true;
    }
    const best = result.hits[0] && knowledge.entry(result.hits[0].entryId);
    if (result.decision === 'answer' && best) {
      await replies.answer(turn, best);
      return true;
    }
    const choices = result.hits.slice(0, 3).flatMap((hit) => knowledge.entry(hit.entryId) ?? []);
    if (result.decision === 'clarify' && choices.length > 0) await replies.choices(turn, messages.clarify, choices);
    else if (result.reason === 'out_of_scope' && result.department) await replies.outOfScope(turn, result.department);
    else await replies.handoff(turn);
    return true;
  };
}
