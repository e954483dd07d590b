import { useState } from 'react';
import { Alert, App, Button, Modal, Typography } from 'antd';
import { CheckOutlined, CopyOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { Schemas } from '@/api/client';
import styles from '../admin.module.css';

/**
 * The secret of a key just created. The API never returns it again, so the dialog closes only
 * through its button (no mask click, no Escape) and the caller forgets the secret on close.
 */
export function CreatedKeyModal({ created, onClose }: { created: Schemas['CreatedApiKeyView'] | null; onClose: () => void }) {
  const { t } = useTranslation(['admin', 'common']);
  const { message } = App.useApp();
  const [copied, setCopied] = useState(false);

  const copy = async () => {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.key);
      setCopied(true);
      void message.success(t('apiKeys.copied'));
    } catch {
      // Clipboard refused (insecure origin, permissions): the key text is selectable by hand.
      void message.warning(t('apiKeys.copyFailed'));
    }
  };

  return (
    <Modal
      open={created !== null}
      title={t('apiKeys.createdTitle', { name: created?.name ?? '' })}
      closable={false}
      keyboard={false}
      mask={{ closable: false }}
      destroyOnHidden
      afterOpenChange={(visible) => {
        if (!visible) setCopied(false);
      }}
      footer={
        <Button type="primary" onClick={onClose} data-testid="api-key-done">
          {t('apiKeys.done')}
        </Button>
      }
    >
      <Alert type="warning" showIcon title={t('apiKeys.onceWarning')} description={t('apiKeys.onceDetail')} />
      <Typography.Text strong id="created-api-key-label" className={styles.keyLabel}>
        {t('apiKeys.secret')}
      </Typography.Text>
      <div
        className={styles.keyBox}
        role="textbox"
        aria-readonly="true"
        aria-labelledby="created-api-key-label"
        tabIndex={0}
        data-testid="api-key-created"
      >
        {created?.key}
      </div>
      <Button
        className={styles.copyButton}
        icon={copied ? <CheckOutlined /> : <CopyOutlined />}
        onClick={() => void copy()}
        data-testid="api-key-copy"
      >
        {copied ? t('apiKeys.copiedShort') : t('apiKeys.copy')}
      </Button>
    </Modal>
  );
}
