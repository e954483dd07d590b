import { useState } from 'react';
import { App, Button, Divider, Flex, Form, InputNumber, Skeleton, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiProblem } from '@/api/problem';
import { ProblemAlert } from '@/components/ProblemAlert';
import { useAgent, useAgents, useUpdateAgent, type AgentView } from '@/features/dispatch';
import { FormProblem } from '../components';
import { SkillsInput, type SkillEntry } from '../SkillsInput';
import styles from '../admin.module.css';

interface ProfileValues {
  capacity: number | null;
  skills: SkillEntry[];
}

/** Capacity and skills as PATCH /agents/{id} takes them: empty capacity is no limit, blank skill rows are dropped. */
export function toAgentPatch(values: ProfileValues) {
  return {
    capacity: typeof values.capacity === 'number' ? values.capacity : null,
    skills: values.skills
      .filter((skill) => skill.name.trim() !== '')
      .map((skill) => ({ name: skill.name.trim(), level: skill.level ?? null })),
  };
}

/**
 * Puts a 422 of PATCH /agents/{id} on the form: `capacity` on its field, `skills` and `skills[2].name`
 * on the skills list; returns what found no field.
 */
export function agentErrors(error: unknown): { fields: { name: 'capacity' | 'skills'; errors: string[] }[]; rest: unknown } {
  if (!(error instanceof ApiProblem) || error.status !== 422) return { fields: [], rest: error };
  const capacity: string[] = [];
  const skills: string[] = [];
  const rest: Record<string, string[]> = {};
  for (const [path, messages] of Object.entries(error.errors)) {
    if (path === 'capacity') capacity.push(...messages);
    else if (path === 'skills' || path.startsWith('skills[')) {
      const row = /^skills\[(\d+)\]/.exec(path);
      skills.push(...messages.map((m) => (row ? `#${Number(row[1]) + 1}: ${m}` : m)));
    } else rest[path] = messages;
  }
  const fields = [
    ...(capacity.length ? [{ name: 'capacity' as const, errors: capacity }] : []),
    ...(skills.length ? [{ name: 'skills' as const, errors: skills }] : []),
  ];
  return { fields, rest: Object.keys(rest).length ? new ApiProblem(422, { ...error.body, errors: rest }) : null };
}

/** The dispatch profile of a staff member in the user drawer: capacity (empty: no limit) and skills with levels. */
export function AgentProfileSection({ userId }: { userId: number }) {
  const { t } = useTranslation(['admin', 'common']);
  const agent = useAgent(userId);
  return (
    <>
      <Divider titlePlacement="start">{t('agentProfile.section')}</Divider>
      {agent.isPending ? (
        <Skeleton active paragraph={{ rows: 2 }} />
      ) : agent.isError ? (
        <ProblemAlert error={agent.error} onRetry={() => void agent.refetch()} />
      ) : (
        <ProfileForm key={agent.data.user_id} agent={agent.data} />
      )}
    </>
  );
}

function ProfileForm({ agent }: { agent: AgentView }) {
  const { t } = useTranslation(['admin', 'common']);
  const { message } = App.useApp();
  const [form] = Form.useForm<ProfileValues>();
  const update = useUpdateAgent(agent.user_id);
  const everyone = useAgents();
  const [problem, setProblem] = useState<unknown>(null);
  const suggestions = (everyone.data ?? []).flatMap((a) => a.skills.map((s) => s.name));

  const save = (values: ProfileValues) => {
    setProblem(null);
    update.mutate(toAgentPatch(values), {
      onSuccess: () => void message.success(t('agentProfile.saved')),
      onError: (error) => {
        const { fields, rest } = agentErrors(error);
        form.setFields(fields);
        setProblem(rest);
      },
    });
  };

  return (
    <Form<ProfileValues>
      form={form}
      layout="vertical"
      initialValues={{ capacity: agent.capacity ?? null, skills: agent.skills.map((s) => ({ name: s.name, level: s.level ?? null })) }}
      onFinish={save}
      data-testid="agent-profile"
    >
      <Typography.Paragraph type="secondary">
        {t('agentProfile.load', { count: agent.open_count, load: agent.open_load, state: t(`common:availability.${agent.availability}`) })}
      </Typography.Paragraph>
      <Form.Item name="capacity" label={t('agentProfile.capacity')} extra={t('agentProfile.capacityHint')}>
        <InputNumber min={0} max={1000} precision={0} placeholder={t('agentProfile.noLimit')} style={{ width: '100%' }} data-testid="agent-capacity" />
      </Form.Item>
      <Form.Item name="skills" label={t('agentProfile.skills')} extra={t('agentProfile.skillsHint')}>
        <SkillsInput levelLabel={t('skills.level')} suggestions={suggestions} />
      </Form.Item>
      <FormProblem error={problem} />
      <Flex justify="end" className={styles.section}>
        <Button htmlType="submit" loading={update.isPending} data-testid="save-agent-profile">
          {t('agentProfile.save')}
        </Button>
      </Flex>
    </Form>
  );
}
