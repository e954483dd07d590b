import { beforeAll, describe, expect, it } from 'vitest';
import i18n, { loadAllNamespaces } from '@/i18n';
import { ApiProblem } from './problem';

beforeAll(async () => {
  await i18n.loadLanguages(['en', 'zh-CN']);
  await loadAllNamespaces();
});

const CLAIM = {
  type: 'https://loopdesk.dev/problems/conflict',
  title: 'Conflict',
  status: 409,
  detail: 'you already hold 17 open tickets, your limit is 12',
  code: 'claim_refused_at_capacity',
  params: { open: 17, limit: 12 },
};

describe('ApiProblem', () => {
  it('says a coded problem in the UI language from its code and parameters', async () => {
    await i18n.changeLanguage('zh-CN');
    const zh = new ApiProblem(409, CLAIM);
    expect([zh.title, zh.detail]).toEqual(['未抢到', '你手上已有 17 张未完成工单，上限为 12 张。']);
    const missing = new ApiProblem(404, { ...CLAIM, status: 404, code: 'not_found', params: { resource: 'ticket' } });
    expect(missing.detail).toBe('该工单不存在，或你无权查看。');
    await i18n.changeLanguage('en');
    const en = new ApiProblem(409, CLAIM);
    expect([en.title, en.detail]).toEqual(['Not claimed', 'You already hold 17 open tickets; your limit is 12.']);
    expect(en.code).toBe('claim_refused_at_capacity');
  });

  it("keeps the server's words for a code it does not know, with its status's title", async () => {
    await i18n.changeLanguage('zh-CN');
    const later = new ApiProblem(409, { ...CLAIM, code: 'asset_retired', detail: 'the asset is retired', params: {} });
    expect([later.title, later.detail]).toEqual(['无法完成', 'the asset is retired']);
    const plain = new ApiProblem(502, { title: 'Bad gateway', detail: 'upstream' });
    expect([plain.title, plain.detail]).toEqual(['Bad gateway', 'upstream']);
    await i18n.changeLanguage('en');
  });
});
