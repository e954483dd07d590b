import { Typography } from 'antd';

export function PortalNewTicketPage() {
  return <Typography.Title level={3}>PortalNewTicketPage</Typography.Title>;
}
