import { expect, type Page } from '@playwright/test';

/** /login: the form, its error, and the shell's user menu once in. */
export class LoginPage {
  constructor(private readonly page: Page) {}

  async goto(next?: string) {
    await this.page.goto(next ? `/login?next=${encodeURIComponent(next)}` : '/login');
    await expect(this.page.getByTestId('auth-login')).toBeVisible();
  }

  async submit(username: string, password: string) {
    await this.page.getByTestId('auth-login-username').fill(username);
    await this.page.getByTestId('auth-login-password').fill(password);
    await this.page.getByTestId('auth-login-submit').click();
  }

  get error() {
    return this.page.getByTestId('auth-login-error');
  }

  get userName() {
    return this.page.getByTestId('auth-user-name');
  }

  get userRole() {
    return this.page.getByTestId('auth-user-role');
  }

  async logout() {
    await this.page.getByTestId('auth-logout').click();
    await expect(this.page).toHaveURL(/\/login$/);
  }
}
