import { Typography } from 'antd';

export function PortalTicketPage() {
  return <Typography.Title level={3}>PortalTicketPage</Typography.Title>;
}
