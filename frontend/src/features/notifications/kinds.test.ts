import { beforeAll, describe, expect, it } from 'vitest';
import i18n, { loadAllNamespaces } from '@/i18n';
import { noticeTitle } from './kinds';

const t = (lng: string) => (key: string, options: Record<string, unknown>) =>
  String(i18n.t(key as 'notifications.title', { ...options, lng }));

beforeAll(async () => {
  await i18n.loadLanguages(['en', 'zh-CN']);
  await loadAllNamespaces();
});

describe('noticeTitle', () => {
  it('says what happened in the reader language from kind and parameters', () => {
    const status = { kind: 'ticket_replied', title: 'x', params: { ticket_number: 'T-000042', update: 'status', status: 'resolved' } } as const;
    expect(noticeTitle(t('en'), status)).toBe('T-000042 status is now Resolved');
    expect(noticeTitle(t('zh-CN'), status)).toBe('T-000042 状态变为已解决');
    const digest = { kind: 'daily_digest', title: 'x', params: { due: 3, overdue: 1, group_overdue: 2 } } as const;
    expect(noticeTitle(t('en'), digest)).toBe('Today: 3 due (1 overdue), 2 overdue in your groups');
    expect(noticeTitle(t('zh-CN'), digest)).toBe('今日提醒：3 张到期（1 张超时），分组超时 2 张');
  });

  it('shows the server title for a kind this version does not know', () => {
    expect(noticeTitle(t('en'), { kind: 'asset_due', title: 'A-7 保养到期', params: {} })).toBe('A-7 保养到期');
  });
});
