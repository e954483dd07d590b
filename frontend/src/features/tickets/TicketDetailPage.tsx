import { useParams } from 'react-router-dom';
import { TicketDetail, TicketNotFound } from './detail/TicketDetail';

/** Route /tickets/:id. An id that is not a positive number cannot exist: not found at once. */
export function TicketDetailPage() {
  const { id } = useParams();
  const ticketId = Number(id);
  if (!Number.isSafeInteger(ticketId) || ticketId <= 0) return <TicketNotFound />;
  // Keyed by id: moving to another ticket starts with fresh dialogs and form state.
  return <TicketDetail key={ticketId} ticketId={ticketId} />;
}
