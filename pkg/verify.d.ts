// @nubefirma/sdk/verify: the same API as @nubefirma/sdk, on one module that signs and verifies.
export * from './index.js';
