export * from './auth.ts';
export * from './client.ts';
export * from './kerberos.ts';
export * from './push-jobs.ts';
