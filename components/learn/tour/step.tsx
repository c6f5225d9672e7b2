import Link from 'next/link';
import styles from './tour.module.css';

/** One step of the tour: a title, two or three plain sentences, a live widget, and where the console shows it. */
export function Step({
  id,
  n,
  title,
  children,
  widget,
  console: seeIt,
}: {
  id: string;
  n: number;
  title: string;
  children: React.ReactNode;
  widget?: React.ReactNode;
  console?: { href: string; label: string };
}) {
  return (
    <section id={id} className={`card ${styles.step}`} data-testid={`learn-step-${id}`} aria-labelledby={`${id}-title`}>
      <div className={styles.stepText}>
        <h2 id={`${id}-title`}>
          <span className={styles.stepNumber}>{n}</span> {title}
        </h2>
        <div className={styles.prose}>{children}</div>
        {seeIt && (
          <p className="small">
            <Link href={seeIt.href} data-testid={`learn-console-${id}`}>
              {seeIt.label} →
            </Link>
          </p>
        )}
      </div>
      {widget && <div className={styles.widget}>{widget}</div>}
    </section>
  );
}
