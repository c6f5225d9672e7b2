'use client';

import { useMutation } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { useTRPC } from '@/components/trpc/provider';
import { Card } from '@/components/ui/bits';
import type { AuthMode } from '@/server/kernel/auth-types';
import styles from './auth.module.css';
import { loginErrorMessage } from './me';

export function LoginPage({ mode, next }: { mode: AuthMode; next: string }) {
  if (mode !== 'on') {
    return (
      <Card testId="auth-login-off">
        <h1>Authentication is off</h1>
        <p className="muted">
          Brook was started without <code>BROOK_AUTH=on</code>, so there is nothing to log in to: everyone who can reach it is an admin.
        </p>
        <p>
          <Link href="/" data-testid="auth-login-home">
            Go to the overview
          </Link>
        </p>
      </Card>
    );
  }
  return <LoginForm next={next} />;
}

function LoginForm({ next }: { next: string }) {
  const trpc = useTRPC();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const login = useMutation(
    trpc.auth.login.mutationOptions({
      // A full load, so the layout renders the shell for this user and no page keeps a signed-out answer.
      onSuccess: () => window.location.assign(next),
    }),
  );
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    login.mutate({ username: username.trim(), password });
  };
  return (
    <div className={styles.loginCard}>
      <Card testId="auth-login">
        <h1 className={styles.loginTitle}>Log in to Brook</h1>
        <form onSubmit={submit} className="form">
          <label>
            User name
            <input
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              autoComplete="username"
              required
              data-testid="auth-login-username"
            />
          </label>
          <label>
            Password
            <input
              type="password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              autoComplete="current-password"
              required
              data-testid="auth-login-password"
            />
          </label>
          {login.error && (
            <div className="error-box" role="alert" data-testid="auth-login-error">
              {loginErrorMessage(login.error)}
            </div>
          )}
          <button type="submit" className="btn primary" disabled={login.isPending || login.isSuccess} data-testid="auth-login-submit">
            {login.isPending || login.isSuccess ? 'Logging in…' : 'Log in'}
          </button>
        </form>
      </Card>
    </div>
  );
}
