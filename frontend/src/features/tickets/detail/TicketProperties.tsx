import type { ReactNode } from 'react';
import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { TimeText } from '@/components/TimeText';
import type { CustomFieldValues, FieldDefinition, TicketView } from './api';
import { useDirectory } from './directory';
import { formatFieldValue, isEmptyValue } from './format';
import styles from './TicketDetail.module.css';

/** Custom fields with their labels (in the type's order), tags and the remaining facts. */
export function TicketProperties({ ticket, fields }: { ticket: TicketView; fields: readonly FieldDefinition[] }) {
  const { t } = useTranslation(['ticketDetail', 'common']);
  const values = ticket.custom_fields as CustomFieldValues;
  // Values under keys the type no longer defines are still stored: show them by key.
  const known = new Set(fields.map((definition) => definition.key));
  const orphans = Object.keys(values).filter((key) => !known.has(key) && !isEmptyValue(values[key]));

  return (
    <div className={styles.properties}>
      <h2 className={styles.cardTitle}>{t('props.customFields')}</h2>
      {fields.length === 0 && orphans.length === 0 ? (
        <p className={styles.muted}>{t('props.noCustomFields')}</p>
      ) : (
        <dl className={styles.propList} data-testid="custom-fields">
          {fields.map((definition) => (
            <Property key={definition.key} label={definition.label}>
              <FieldValue definition={definition} value={values[definition.key]} />
            </Property>
          ))}
          {orphans.map((key) => (
            <Property key={key} label={key}>
              <FieldValue definition={undefined} value={values[key]} />
            </Property>
          ))}
        </dl>
      )}
      <h2 className={styles.cardTitle}>{t('props.title')}</h2>
      <dl className={styles.propList}>
        <Property label={t('props.tags')}>
          {ticket.tags.length > 0 ? (
            <span className={styles.tagList}>
              {ticket.tags.map((tag) => (
                <Tag key={tag}>{tag}</Tag>
              ))}
            </span>
          ) : (
            <span className={styles.muted}>{t('props.noTags')}</span>
          )}
        </Property>
        <Property label={t('props.channel')}>{t(`common:channel.${ticket.channel}`)}</Property>
        {ticket.external_id ? (
          <Property label={t('props.external')}>
            {ticket.external_source ? `${ticket.external_source}: ` : ''}
            {ticket.external_id}
          </Property>
        ) : null}
        {ticket.first_response_at ? (
          <Property label={t('props.firstResponse')}>
            <TimeText value={ticket.first_response_at} />
          </Property>
        ) : null}
        {ticket.resolved_at ? (
          <Property label={t('props.resolved')}>
            <TimeText value={ticket.resolved_at} />
          </Property>
        ) : null}
        {ticket.closed_at ? (
          <Property label={t('props.closed')}>
            <TimeText value={ticket.closed_at} />
          </Property>
        ) : null}
      </dl>
    </div>
  );
}

function Property({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className={styles.propItem}>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** Links stay links: a URL opens, an e-mail or phone number can be written to or called from a phone. */
function FieldValue({ definition, value }: { definition: FieldDefinition | undefined; value: unknown }) {
  const { t } = useTranslation();
  const directory = useDirectory();
  if (isEmptyValue(value)) return <span className={styles.muted}>—</span>;
  const text = formatFieldValue(definition, value, { yes: t('form.yes'), no: t('form.no'), userName: directory.userName });
  if (typeof value === 'string') {
    if (definition?.kind === 'url' && /^https?:\/\//i.test(value))
      return (
        <a href={value} target="_blank" rel="noreferrer noopener">
          {text}
        </a>
      );
    if (definition?.kind === 'email') return <a href={`mailto:${value}`}>{text}</a>;
    if (definition?.kind === 'phone') return <a href={`tel:${value.replace(/[^\d+]/g, '')}`}>{text}</a>;
  }
  return <span className={definition?.kind === 'long_text' ? styles.preWrap : undefined}>{text}</span>;
}
