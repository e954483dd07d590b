import { Form, Radio, Select } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Schemas } from '@/api/client';
import { useCurrentUser } from '@/auth/AuthProvider';
import { UserSelect } from './UserSelect';
import { useGroups } from '../api';

type Priority = Schemas['Priority'];

export const PRIORITIES: readonly Priority[] = ['low', 'normal', 'high', 'urgent'];

/** Limits from normalize_tags in crates/domain/src/ticket.rs. */
export const TAG_LIMITS = { chars: 50, count: 20 } as const;

// Commas separate tags on the wire (filters), control characters break lists.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const TAG_FORBIDDEN = /[,\u0000-\u001f\u007f-\u009f]/;

/** null when the tags are acceptable, else which rule they break. */
export function checkTags(tags: readonly string[] | undefined): 'tagInvalid' | 'tagsTooMany' | null {
  const normalized = new Set<string>();
  for (const raw of tags ?? []) {
    const tag = raw.trim();
    if (tag === '' || [...tag].length > TAG_LIMITS.chars || TAG_FORBIDDEN.test(tag)) return 'tagInvalid';
    normalized.add(tag);
  }
  return normalized.size > TAG_LIMITS.count ? 'tagsTooMany' : null;
}

function useOrganizations() {
  return useQuery({
    queryKey: ['organizations', 'options'],
    queryFn: () => unwrap(api.GET('/api/v1/organizations', { params: { query: { limit: 200 } } })),
    staleTime: 300_000,
  });
}


/** Staff-only part of the create form: on whose behalf, where it goes, how urgent, tags. */
export function RoutingFields({ defaultGroupId }: { defaultGroupId: number | null | undefined }) {
  const { t } = useTranslation('ticketForm');
  const { t: tCommon } = useTranslation();
  const me = useCurrentUser();
  const organizations = useOrganizations();
  const groups = useGroups();
  const defaultGroup = groups.data?.find((g) => g.id === defaultGroupId);

  return (
    <>
      <Form.Item name="requester_id" label={t('requester')} extra={t('requesterHelp')} rules={[{ required: true, message: t('validation.required', { label: t('requester') }) }]}>
        <UserSelect kind="customer" allowClear={false} pinned={[{ value: me.id, label: t('me', { name: me.name }), email: me.email }]} />
      </Form.Item>
      <Form.Item name="organization_id" label={t('organization')}>
        <Select<number>
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          placeholder={t('organizationPlaceholder')}
          loading={organizations.isPending}
          options={(organizations.data?.items ?? []).map((o) => ({ value: o.id, label: o.name }))}
        />
      </Form.Item>
      <Form.Item name="group_id" label={t('group')}>
        <Select<number>
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          placeholder={defaultGroup ? t('groupDefault', { name: defaultGroup.name }) : t('groupPlaceholder')}
          loading={groups.isPending}
          options={(groups.data ?? []).map((g) => ({ value: g.id, label: g.name }))}
        />
      </Form.Item>
      <Form.Item name="priority" label={t('priority')}>
        <Radio.Group
          optionType="button"
          buttonStyle="solid"
          aria-label={t('priority')}
          options={PRIORITIES.map((p) => ({ value: p, label: tCommon(`priority.${p}`) }))}
        />
      </Form.Item>
      <Form.Item
        name="tags"
        label={t('tags')}
        rules={[
          {
            validator: async (_rule, value: string[] | undefined) => {
              const problem = checkTags(value);
              if (problem) throw new Error(t(problem, { max: problem === 'tagInvalid' ? TAG_LIMITS.chars : TAG_LIMITS.count }));
            },
          },
        ]}
      >
        <Select<string[]> mode="tags" tokenSeparators={[',', '，']} placeholder={t('tagsPlaceholder')} suffixIcon={null} notFoundContent={null} />
      </Form.Item>
    </>
  );
}
