import { Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { useAuth } from '@/auth/AuthProvider';
import { TicketCreateWizard } from './fields/TicketCreateWizard';

/** /tickets/new: an agent creates a ticket, for themself or on behalf of a customer. */
export function CreateTicketPage() {
  const { t } = useTranslation('ticketForm');
  const { t: tCommon } = useTranslation();
  const { can } = useAuth();
  if (!can('tickets_create')) return <Result status="403" title={tCommon('state.forbidden')} />;
  return (
    <TicketCreateWizard
      audience="staff"
      title={t('title')}
      ticketPath={(ticket) => `/tickets/${ticket.id}`}
      emptyTypes={
        <>
          {t('type.empty')} {can('ticket_types_manage') ? t('type.emptyAdmin') : null}
        </>
      }
    />
  );
}
