// The public entry of tickets: what other features may use (the create-ticket wizard, for the
// portal). Everything else in this folder is internal.
export { TicketCreateWizard } from './fields/TicketCreateWizard';
