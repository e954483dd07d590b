import { Typography } from 'antd';

export function AdminRoutes() {
  return <Typography.Title level={3}>AdminRoutes</Typography.Title>;
}
