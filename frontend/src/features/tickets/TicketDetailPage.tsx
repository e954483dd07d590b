import { Typography } from 'antd';

export function TicketDetailPage() {
  return <Typography.Title level={3}>TicketDetailPage</Typography.Title>;
}
