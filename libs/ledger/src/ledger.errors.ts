import { defineErrors } from '@app/errors';

export const LedgerErrors = defineErrors({
  LEDGER_PAYLOAD_INVALID: {
    status: 422,
    en: 'The event cannot be recorded: its payload {problem}.',
    zh: '无法记录该事件：事件内容 {problem}。',
  },
  LEDGER_SUBJECT_NOT_FOUND: {
    status: 404,
    en: 'The ledger has no events for {subjectType} {subjectId}.',
    zh: '台账中没有 {subjectType} {subjectId} 的记录。',
  },
  LEDGER_RANGE_INVALID: {
    status: 400,
    en: 'The ledger range is not valid: {problem}.',
    zh: '台账区间不合法：{problem}。',
  },
  LEDGER_VERIFICATION_NOT_FOUND: {
    status: 404,
    en: 'No such ledger verification: {id}.',
    zh: '台账校验记录不存在：{id}。',
  },
});
