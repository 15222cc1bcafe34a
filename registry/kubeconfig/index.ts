/**
 * `shoots/adminkubeconfig` and `shoots/viewerkubeconfig`: request decoding and validation, the client CA
 * cache, certificate issuance, kubeconfig rendering and the algorithm that ties them together.
 */
export * from './types.js';
export * from './request.js';
export * from './expiration.js';
export * from './schema.js';
export * from './ca.js';
export * from './ca-cache.js';
export * from './keys.js';
export * from './certificate.js';
export * from './kubeconfig.js';
export * from './cluster-ca.js';
export * from './issue.js';
