import { useTranslation } from 'react-i18next';
import { TicketCreateWizard } from '@/features/tickets';

/** /portal/new: a customer submits a ticket (type → customer-visible fields → submit). */
export function PortalNewTicketPage() {
  const { t } = useTranslation('portal');
  return (
    <TicketCreateWizard
      audience="customer"
      title={t('new.title')}
      ticketPath={(ticket) => `/portal/tickets/${ticket.id}`}
      emptyTypes={t('new.noTypes')}
    />
  );
}
