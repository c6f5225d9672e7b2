import { ROLES, type Role } from '@/server/kernel/auth-types';
import { BrokerError } from '../errors';

/** User and token names: what a Kafka client's sasl.username and a URL carry without escaping. */
export const PRINCIPAL_NAME = /^[A-Za-z0-9._-]{1,64}$/;
export const MIN_PASSWORD = 8;
export const MAX_PASSWORD = 1024;

export function checkName(kind: 'user' | 'token', name: unknown): string {
  if (typeof name !== 'string' || !PRINCIPAL_NAME.test(name)) {
    throw new BrokerError('INVALID_REQUEST', `A ${kind} name is 1 to 64 letters, digits, dots, underscores or hyphens.`);
  }
  return name;
}

export function checkNewPassword(password: unknown): string {
  if (typeof password !== 'string' || password.length < MIN_PASSWORD || password.length > MAX_PASSWORD) {
    throw new BrokerError('UNACCEPTABLE_CREDENTIAL', `A password is ${MIN_PASSWORD} to ${MAX_PASSWORD} characters.`);
  }
  return password;
}

export function checkRole(role: unknown): Role {
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
    throw new BrokerError('INVALID_REQUEST', `A role is one of ${ROLES.join(', ')}.`);
  }
  return role as Role;
}
