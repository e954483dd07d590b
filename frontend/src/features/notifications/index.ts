// The public entry of notifications: what other features may use (the kinds of notification,
// for the admin's channel screens). Everything else in this folder is internal.
export { kindLabel, NOTIFY_KINDS } from './kinds';
