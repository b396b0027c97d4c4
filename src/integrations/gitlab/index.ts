export * from './client.ts';
export * from './drop-bugs.ts';
export * from './merge-request.ts';
export * from './mr-url.ts';
export * from './shipment-yaml.ts';
export * from './transport.ts';
export * from './types.ts';
