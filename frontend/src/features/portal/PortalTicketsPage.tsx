import { Typography } from 'antd';

export function PortalTicketsPage() {
  return <Typography.Title level={3}>PortalTicketsPage</Typography.Title>;
}
