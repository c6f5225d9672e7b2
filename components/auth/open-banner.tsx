import styles from './auth.module.css';

/** Mode 'none' (BROOK_AUTH=none): said on every page, as it is in the log. */
export function OpenBanner({ address }: { address: string }) {
  return (
    <div className={styles.banner} role="alert" data-testid="auth-open-banner">
      Authentication is off and Brook listens on <code>{address}</code>: anyone who can reach it can do anything.
    </div>
  );
}
