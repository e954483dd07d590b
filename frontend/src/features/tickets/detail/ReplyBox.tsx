import { useId, useState, type KeyboardEvent } from 'react';
import { App, Button, Mentions, Segmented, Typography } from 'antd';
import { LockOutlined, SendOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { ProblemAlert } from '@/components/ProblemAlert';
import { useAddComment } from './api';
import { useMentionCandidates } from './mentions';
import styles from './TicketDetail.module.css';

type Mode = 'public' | 'internal';

/** The server's limit for a comment body. */
const MAX_BODY = 20_000;

/**
 * Writes a public reply or, for staff allowed to, an internal note. The internal mode turns
 * the whole box amber so nobody sends a note to the customer by mistake. Typing `@` offers
 * colleagues by name; choosing one inserts `@名字 `, which notifies them (if they can see the ticket).
 */
export function ReplyBox({ ticketId, canInternal }: { ticketId: number; canInternal: boolean }) {
  const { t } = useTranslation(['ticketDetail', 'common']);
  const { message } = App.useApp();
  const [mode, setMode] = useState<Mode>('public');
  const [body, setBody] = useState('');
  const addComment = useAddComment(ticketId);
  const textareaId = useId();
  const [mentionSearch, setMentionSearch] = useState<string | null>(null);
  const candidates = useMentionCandidates(mentionSearch);
  const internal = canInternal && mode === 'internal';
  const empty = body.trim() === '';
  const tooLong = [...body].length > MAX_BODY;

  const submit = () => {
    if (empty || tooLong || addComment.isPending) return;
    addComment.mutate(
      { body, internal },
      {
        onSuccess: () => {
          setBody('');
          void message.success(internal ? t('reply.noteAdded') : t('reply.sent'));
        },
      },
    );
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      submit();
    }
  };

  return (
    <section
      className={`${styles.replyBox} ${internal ? styles.replyBoxInternal : ''}`}
      data-testid="reply-box"
      data-mode={internal ? 'internal' : 'public'}
      aria-label={t('reply.title')}
    >
      {canInternal ? (
        <Segmented<Mode>
          data-testid="reply-internal-toggle"
          aria-label={t('reply.mode')}
          value={mode}
          onChange={setMode}
          options={[
            { value: 'public', label: t('reply.public'), icon: <SendOutlined /> },
            { value: 'internal', label: t('reply.internal'), icon: <LockOutlined /> },
          ]}
          className={styles.replyMode}
        />
      ) : null}
      <label htmlFor={textareaId} className={styles.replyLabel}>
        {internal ? t('reply.internalLabel') : t('reply.publicLabel')}
      </label>
      <Mentions
        id={textareaId}
        value={body}
        onChange={setBody}
        onKeyDown={onKeyDown}
        prefix="@"
        filterOption={false}
        onSearch={(text) => setMentionSearch(text)}
        onBlur={() => setMentionSearch(null)}
        loading={candidates.isFetching}
        notFoundContent={candidates.isFetching ? t('common:state.loading') : t('reply.noMention')}
        options={(candidates.data ?? []).map((user) => ({
          key: String(user.id),
          value: user.handle,
          label: (
            <span data-testid="mention-option">
              {user.name}
              <Typography.Text type="secondary" className={styles.mentionEmail}>
                {user.email}
              </Typography.Text>
            </span>
          ),
        }))}
        placement="top"
        placeholder={internal ? t('reply.internalPlaceholder') : t('reply.publicPlaceholder')}
        autoSize={{ minRows: 3, maxRows: 14 }}
        status={tooLong ? 'error' : undefined}
        aria-invalid={tooLong || undefined}
        className={internal ? styles.replyTextareaInternal : undefined}
        data-testid="reply-textarea"
      />
      {tooLong ? (
        <div className={styles.fieldError} role="alert">
          {t('reply.tooLong', { max: MAX_BODY })}
        </div>
      ) : null}
      {addComment.isError ? <ProblemAlert error={addComment.error} /> : null}
      <div className={styles.replyFooter}>
        <span className={styles.replyHint}>
          {t('reply.shortcut')} · {t('reply.mentionHint')}
        </span>
        <Button
          type="primary"
          data-testid="reply-submit"
          icon={internal ? <LockOutlined /> : <SendOutlined />}
          disabled={empty || tooLong}
          loading={addComment.isPending}
          onClick={submit}
          className={internal ? styles.internalSubmit : undefined}
        >
          {internal ? t('reply.submitInternal') : t('reply.submitPublic')}
        </Button>
      </div>
    </section>
  );
}
