// Webhooks: receiving them safely, and producing them (for tests and the test server).
// Re-exports only.
export { WebhookReceiver } from './receiver.js';
export type { ReceiveOptions, WebhookReceiverOptions, WebhookBody, WebhookRequest } from './receiver.js';
export { WebhookEvent, WEBHOOK_EVENT_NAMES } from './event.js';
export type { WebhookEventName, WebhookEventNames, WebhookEventInit } from './event.js';
export { WebhookVerificationError, WebhookDeliveryError } from './errors.js';
export type { WebhookVerificationErrorCode } from './errors.js';
export { signWebhook, WEBHOOK_CONTENT_TYPE, authorizeHeader } from './sign.js';
export type { SignWebhookOptions, SignedWebhook, SignableWebhookEvent, WebhookHeaders } from './sign.js';
export { deliverWebhook } from './deliver.js';
export type { DeliverWebhookOptions, WebhookDeliveryResult, WebhookFetch } from './deliver.js';
export { WebhookDispatcher } from './dispatcher.js';
export type { WebhookDispatcherOptions, WebhookDelivery } from './dispatcher.js';
