import { Typography } from 'antd';

export function CreateTicketPage() {
  return <Typography.Title level={3}>CreateTicketPage</Typography.Title>;
}
