import { App, Button, Form, Input } from 'antd';
import { SendOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { ProblemAlert } from '@/components/ProblemAlert';
import { useReply } from './portalApi';
import styles from './portal.module.css';

/** NewCommentInput.body: 1 to 20000 characters. */
export const REPLY_MAX = 20_000;

/** A public reply from the customer (the portal has no internal notes). */
export function PortalReplyBox({ ticketId, closed }: { ticketId: number; closed: boolean }) {
  const { t } = useTranslation('portal');
  const { message } = App.useApp();
  const [form] = Form.useForm<{ body: string }>();
  const reply = useReply(ticketId);

  const send = ({ body }: { body: string }) =>
    reply.mutate(body.trim(), {
      onSuccess: () => {
        form.resetFields();
        message.success(t('reply.sent'));
      },
    });

  return (
    <Form form={form} layout="vertical" onFinish={send} className={styles.replyBox} requiredMark={false}>
      <Form.Item
        name="body"
        label={t('reply.label')}
        extra={closed ? t('reply.closedHint') : undefined}
        rules={[
          { required: true, whitespace: true, message: t('reply.required') },
          { max: REPLY_MAX, message: t('reply.tooLong', { max: REPLY_MAX }) },
        ]}
      >
        <Input.TextArea
          placeholder={t('reply.placeholder')}
          autoSize={{ minRows: 3, maxRows: 10 }}
          data-testid="portal-reply-box"
          disabled={reply.isPending}
        />
      </Form.Item>
      {reply.isError ? (
        <div style={{ marginBottom: 12 }}>
          <ProblemAlert error={reply.error} />
        </div>
      ) : null}
      <div className={styles.replyActions}>
        <Button type="primary" htmlType="submit" icon={<SendOutlined />} loading={reply.isPending} data-testid="portal-reply-submit">
          {t('reply.submit')}
        </Button>
      </div>
    </Form>
  );
}
