// The shape of every namespace, for typed `t()` keys only: imported as a type, so none of
// this JSON is bundled from here (index.ts loads the files on demand).
// A feature adds its JSON files here, once per language, and its name in languages.ts.
import commonEn from './locales/en/common.json';
import commonZh from './locales/zh-CN/common.json';
import ticketsEn from './locales/en/tickets.json';
import ticketsZh from './locales/zh-CN/tickets.json';
import ticketDetailEn from './locales/en/ticketDetail.json';
import ticketDetailZh from './locales/zh-CN/ticketDetail.json';
import ticketFormEn from './locales/en/ticketForm.json';
import ticketFormZh from './locales/zh-CN/ticketForm.json';
import portalEn from './locales/en/portal.json';
import portalZh from './locales/zh-CN/portal.json';
import adminEn from './locales/en/admin.json';
import adminZh from './locales/zh-CN/admin.json';
import dispatchEn from './locales/en/dispatch.json';
import dispatchZh from './locales/zh-CN/dispatch.json';
import routingEn from './locales/en/routing.json';
import routingZh from './locales/zh-CN/routing.json';
import slaEn from './locales/en/sla.json';
import slaZh from './locales/zh-CN/sla.json';
import notificationsEn from './locales/en/notifications.json';
import notificationsZh from './locales/zh-CN/notifications.json';
import channelsEn from './locales/en/channels.json';
import channelsZh from './locales/zh-CN/channels.json';

export const resources = {
  en: {
    common: commonEn,
    tickets: ticketsEn,
    ticketDetail: ticketDetailEn,
    ticketForm: ticketFormEn,
    portal: portalEn,
    admin: adminEn,
    dispatch: dispatchEn,
    routing: routingEn,
    sla: slaEn,
    notifications: notificationsEn,
    channels: channelsEn,
  },
  'zh-CN': {
    common: commonZh,
    tickets: ticketsZh,
    ticketDetail: ticketDetailZh,
    ticketForm: ticketFormZh,
    portal: portalZh,
    admin: adminZh,
    dispatch: dispatchZh,
    routing: routingZh,
    sla: slaZh,
    notifications: notificationsZh,
    channels: channelsZh,
  },
} as const;
