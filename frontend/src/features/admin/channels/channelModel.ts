import type { ChannelInput, ChannelView } from './channelsApi';

export type ChannelKind = ChannelInput['kind'];
export const CHANNEL_KINDS: readonly ChannelKind[] = ['wecom', 'dingtalk', 'feishu', 'webhook'];

/** The form's values: the secret is write-only, so editing shows whether one is set and offers to keep or remove it. */
export interface ChannelValues {
  name: string;
  kind: ChannelKind;
  url: string;
  /** A new secret; empty keeps the current one when editing. */
  secret: string;
  removeSecret: boolean;
  event_kinds: NonNullable<ChannelInput['event_kinds']>;
  enabled: boolean;
}

export function emptyValues(): ChannelValues {
  return { name: '', kind: 'wecom', url: '', secret: '', removeSecret: false, event_kinds: [], enabled: true };
}

export function valuesOf(view: ChannelView): ChannelValues {
  return { name: view.name, kind: view.kind, url: view.url, secret: '', removeSecret: false, event_kinds: [...view.event_kinds], enabled: view.enabled };
}

/**
 * The request body. A new channel sends a secret only if one was typed. An edit leaves `secret` out to keep
 * the stored one, sends "" to remove it, or the new one.
 */
export function inputOf(values: ChannelValues, editing: boolean): ChannelInput {
  const input: ChannelInput = {
    name: values.name.trim(),
    kind: values.kind,
    url: values.url.trim(),
    event_kinds: values.event_kinds,
    enabled: values.enabled,
  };
  const secret = values.secret.trim();
  if (secret) input.secret = secret;
  else if (editing && values.removeSecret) input.secret = '';
  return input;
}

/** Form fields the server's 422 errors can land on (the request's member names). */
export const CHANNEL_FIELDS = ['name', 'kind', 'url', 'secret', 'event_kinds', 'enabled'];
