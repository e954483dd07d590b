import { Avatar, Empty, Tag } from 'antd';
import { LockOutlined } from '@ant-design/icons';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { formatDateTime, TimeText } from '@/components/TimeText';
import type { CommentView, EventView, FieldDefinition, TicketStatus } from './api';
import { useDirectory, type Directory } from './directory';
import { formatFieldValue, isEmptyValue, parseEventValue, shorten } from './format';
import type { TimelineItem } from './timeline';
import styles from './TicketDetail.module.css';

/** The merged stream of replies, internal notes and history entries, oldest first. */
export function Timeline({
  items,
  fields,
  requesterId,
}: {
  items: TimelineItem[];
  fields: readonly FieldDefinition[];
  /** Replies by the requester get a tag, so the customer's voice stands out from staff's. */
  requesterId: number;
}) {
  const { t } = useTranslation(['ticketDetail', 'common']);
  if (items.length === 0) return <Empty description={t('timeline.empty')} image={Empty.PRESENTED_IMAGE_SIMPLE} />;
  return (
    <ol className={styles.timeline} data-testid="timeline" aria-label={t('timeline.title')}>
      {items.map((item) =>
        item.kind === 'event' ? (
          <EventEntry key={item.key} event={item.event} related={item.related} fields={fields} />
        ) : (
          <CommentEntry key={item.key} comment={item.comment} byRequester={item.comment.author_id === requesterId} />
        ),
      )}
    </ol>
  );
}

function CommentEntry({ comment, byRequester }: { comment: CommentView; byRequester: boolean }) {
  const { t } = useTranslation(['ticketDetail', 'common']);
  const directory = useDirectory();
  const author = comment.author_name ?? directory.userName(comment.author_id);
  const kind = comment.internal ? 'internal' : 'reply';
  return (
    <li data-testid="timeline-item" data-kind={kind} className={styles.commentItem}>
      <article
        className={comment.internal ? styles.internalNote : styles.reply}
        aria-label={t('timeline.entryLabel', { author, kind: comment.internal ? t('timeline.internalNote') : t('timeline.reply') })}
      >
        <header className={styles.commentHeader}>
          <Avatar size="small" className={comment.internal ? styles.internalAvatar : undefined} aria-hidden>
            {author.slice(0, 1)}
          </Avatar>
          <strong className={styles.commentAuthor}>{author}</strong>
          {byRequester ? (
            <Tag color="blue" className={styles.commentTag}>
              {t('timeline.requester')}
            </Tag>
          ) : null}
          {comment.internal ? (
            <Tag color="warning" icon={<LockOutlined />} className={styles.commentTag}>
              {t('timeline.internal')}
            </Tag>
          ) : null}
          <span className={styles.commentTime}>
            <TimeText value={comment.created_at} />
          </span>
        </header>
        <div className={styles.commentBody}>{comment.body}</div>
      </article>
    </li>
  );
}

function EventEntry({ event, related, fields }: { event: EventView; related: EventView[]; fields: readonly FieldDefinition[] }) {
  const { t } = useTranslation(['ticketDetail', 'common']);
  const directory = useDirectory();
  const { text, details, noteLabel } = describeEvent(event, related, { t, directory, fields });
  return (
    <li
      data-testid="timeline-item"
      data-kind="event"
      data-event={event.kind}
      data-sla={event.sla?.kind}
      className={`${styles.eventItem} ${event.sla?.kind === 'breached' ? styles.slaBreached : event.sla?.kind === 'warning' ? styles.slaWarning : ''}`}
    >
      <span className={styles.eventDot} aria-hidden />
      <div className={styles.eventContent}>
        <span>{text}</span>
        {details.map((detail) => (
          <span key={detail} className={styles.eventDetail}>
            {detail}
          </span>
        ))}
        <span className={styles.eventTime}>
          <TimeText value={event.created_at} />
        </span>
        {event.note ? (
          <blockquote className={styles.eventNote}>
            <span className={styles.eventNoteLabel}>{noteLabel}</span>
            {event.note}
          </blockquote>
        ) : null}
      </div>
    </li>
  );
}

interface DescribeContext {
  t: TFunction<['ticketDetail', 'common']>;
  directory: Directory;
  fields: readonly FieldDefinition[];
}

type PlainField = 'subject' | 'description' | 'priority' | 'tags' | 'status' | 'requester_id' | 'organization_id' | 'assignee_id' | 'group_id';
const PLAIN_FIELDS: readonly string[] = [
  'subject',
  'description',
  'priority',
  'tags',
  'status',
  'requester_id',
  'organization_id',
  'assignee_id',
  'group_id',
] satisfies PlainField[];

/** One history entry as a sentence, plus "field: old → new" details and the label of its note. */
export function describeEvent(
  event: EventView,
  related: readonly EventView[],
  { t, directory, fields }: DescribeContext,
): { text: string; details: string[]; noteLabel: string } {
  const actor =
    event.actor_name ?? (event.actor_id !== null && event.actor_id !== undefined ? directory.userName(event.actor_id) : t('event.system'));
  const status = (value: string | null | undefined) => (value ? t(`common:status.${value as TicketStatus}`) : '—');
  const fieldName = (field: string) => {
    if (field.startsWith('custom_fields.')) {
      const key = field.slice('custom_fields.'.length);
      return fields.find((definition) => definition.key === key)?.label ?? key;
    }
    return PLAIN_FIELDS.includes(field) ? t(`field.${field as PlainField}`) : field;
  };
  const value = (entry: EventView, which: 'old' | 'new'): string => {
    const raw = which === 'old' ? entry.old_value : entry.new_value;
    const label = which === 'old' ? entry.old_label : entry.new_label;
    if (label) return label;
    if (raw === null || raw === undefined || raw === '') return t('event.nobody');
    const field = entry.field ?? '';
    if (field === 'assignee_id' || field === 'requester_id') return directory.userName(Number(raw));
    if (field === 'group_id') return directory.groupName(Number(raw));
    if (field === 'organization_id') return `#${raw}`;
    if (field === 'priority') return t(`common:priority.${raw as 'low'}`);
    if (field === 'status') return status(raw);
    if (field.startsWith('custom_fields.')) {
      const key = field.slice('custom_fields.'.length);
      const definition = fields.find((d) => d.key === key);
      const context = { yes: t('common:form.yes'), no: t('common:form.no'), userName: directory.userName };
      return shorten(formatFieldValue(definition, parseEventValue(raw), context));
    }
    const parsed = field === 'tags' ? parseEventValue(raw) : raw;
    return shorten(Array.isArray(parsed) ? parsed.join(', ') || '—' : String(parsed));
  };
  const change = (entry: EventView) =>
    t('event.change', { field: fieldName(entry.field ?? ''), from: value(entry, 'old'), to: value(entry, 'new') });

  switch (event.kind) {
    case 'created':
      return { text: t('event.created', { actor }), details: [], noteLabel: t('event.note') };
    case 'status_changed':
      return {
        text: event.old_value
          ? t('event.status', { actor, from: status(event.old_value), to: status(event.new_value) })
          : t('event.statusSet', { actor, to: status(event.new_value) }),
        details: [],
        noteLabel: t('event.note'),
      };
    case 'assigned':
      return { text: t('event.assigned', { actor }), details: [event, ...related].map(change), noteLabel: t('event.handoverNote') };
    case 'transferred':
      return { text: t('event.transferred', { actor }), details: [event, ...related].map(change), noteLabel: t('event.reason') };
    case 'dispatched': {
      const cause = event.dispatch?.cause?.kind ?? 'created';
      return { text: t(`event.dispatched.${cause}`, { actor }), details: [], noteLabel: t('event.dispatchReason') };
    }
    case 'accepted':
      return { text: t('event.accepted', { actor }), details: [], noteLabel: t('event.note') };
    case 'declined':
      return { text: t('event.declined', { actor }), details: [], noteLabel: t('event.reason') };
    case 'escalated': {
      const agent = event.old_value ? value(event, 'old') : t('event.nobody');
      return { text: t('event.escalated', { actor, agent }), details: [], noteLabel: t('event.note') };
    }
    case 'claimed':
      return { text: t('event.claimed', { actor }), details: [], noteLabel: t('event.note') };
    case 'sla': {
      // The note is the server's sentence in the UI language (「解决时限已超时（目标 240 分钟）」); the data names the step.
      const sla = event.sla;
      if (!sla) return { text: t('event.slaPlain'), details: [], noteLabel: t('event.slaNote') };
      const metric = t(`common:sla.metric.${sla.metric}`);
      const due = sla.due_at && (sla.kind === 'started' || sla.kind === 'resumed' || sla.kind === 'retargeted' || sla.kind === 'reopened')
        ? [t('event.slaDue', { time: formatDateTime(sla.due_at) })]
        : [];
      return { text: t(`event.sla.${sla.kind}`, { metric }), details: due, noteLabel: t('event.slaNote') };
    }
    default: {
      const field = fieldName(event.field ?? '');
      if (event.field === 'description') return { text: t('event.descriptionChanged', { actor }), details: [], noteLabel: t('event.note') };
      const oldEmpty = isEmptyValue(parseEventValue(event.old_value));
      const newEmpty = isEmptyValue(parseEventValue(event.new_value));
      const text = oldEmpty
        ? t('event.fieldSet', { actor, field, to: value(event, 'new') })
        : newEmpty
          ? t('event.fieldCleared', { actor, field })
          : t('event.fieldChanged', { actor, field, from: value(event, 'old'), to: value(event, 'new') });
      return { text, details: [], noteLabel: t('event.note') };
    }
  }
}
