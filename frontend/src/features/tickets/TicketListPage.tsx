import { Typography } from 'antd';

export function TicketListPage() {
  return <Typography.Title level={3}>TicketListPage</Typography.Title>;
}
