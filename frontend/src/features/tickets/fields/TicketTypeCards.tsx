import type { KeyboardEvent } from 'react';
import { Card, Col, Row, Space, Typography } from 'antd';
import { CheckCircleFilled } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { Schemas } from '@/api/client';
import { PriorityTag } from '@/components/tags';
import styles from './create.module.css';

type TicketType = Schemas['TicketTypeView'];

/** Step 1 of creating a ticket: one card per type (name, description); choosing one moves on. */
export function TicketTypeCards({
  types,
  selectedId,
  onSelect,
  showPriority,
}: {
  types: readonly TicketType[];
  selectedId: number | null;
  onSelect: (type: TicketType) => void;
  /** Staff see the default priority; customers cannot choose one. */
  showPriority: boolean;
}) {
  const { t } = useTranslation('ticketForm');
  const onKey = (type: TicketType) => (event: KeyboardEvent) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onSelect(type);
    }
  };
  return (
    <Row gutter={[16, 16]} role="list">
      {types.map((type) => {
        const selected = type.id === selectedId;
        return (
          <Col key={type.id} xs={24} sm={12} lg={8} role="listitem">
            <Card
              hoverable
              role="button"
              tabIndex={0}
              aria-pressed={selected}
              onClick={() => onSelect(type)}
              onKeyDown={onKey(type)}
              className={selected ? `${styles.typeCard} ${styles.typeCardSelected}` : styles.typeCard}
              data-testid="type-card"
              data-type-name={type.name}
            >
              <div className={styles.typeCardTitle}>
                <Typography.Title level={5} style={{ margin: 0 }}>
                  {type.name}
                </Typography.Title>
                {selected ? <CheckCircleFilled className={styles.typeCardCheck} aria-hidden /> : null}
              </div>
              <Typography.Paragraph type="secondary" className={styles.typeCardDescription} ellipsis={{ rows: 3 }}>
                {type.description}
              </Typography.Paragraph>
              <Space size={[8, 4]} wrap>
                {showPriority ? (
                  <span className={styles.typeCardMeta}>
                    <Typography.Text type="secondary">{t('type.defaultPriority')}</Typography.Text>
                    <PriorityTag priority={type.default_priority} />
                  </span>
                ) : null}
                <Typography.Text type="secondary" className={styles.typeCardMeta}>
                  {type.fields.length > 0 ? t('type.fields', { count: type.fields.length }) : t('type.noFields')}
                </Typography.Text>
              </Space>
            </Card>
          </Col>
        );
      })}
    </Row>
  );
}
