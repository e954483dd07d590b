// The public entry of dispatch: what other features may use (the ticket page's dispatch actions,
// agents' profiles for the admin screens). Everything else in this folder is internal.
export { awaitsMyAnswer, DispatchActions } from './DispatchActions';
export { useAgent, useAgents, useUpdateAgent, type AgentView } from './api';
