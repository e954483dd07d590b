export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Every namespace; `common` and `tickets` load at start, the others with their screens. */
export const NAMESPACES = ['common', 'tickets', 'ticketDetail', 'ticketForm', 'portal', 'admin', 'dispatch', 'routing', 'sla', 'notifications', 'channels'] as const;
export type Namespace = (typeof NAMESPACES)[number];
