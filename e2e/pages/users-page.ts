import { expect, type Page } from '@playwright/test';
import type { Role } from '@/server/kernel/auth-types';

/** /users: the users table and the API tokens table, with their dialogs. */
export class UsersPage {
  constructor(private readonly page: Page) {}

  async goto() {
    await this.page.goto('/users');
    await expect(this.page.getByRole('heading', { name: 'Users & tokens', level: 1 })).toBeVisible();
  }

  userRow(name: string) {
    return this.page.getByTestId(`users-row-${name}`);
  }

  tokenRow(name: string) {
    return this.page.getByTestId(`tokens-row-${name}`);
  }

  async addUser(name: string, password: string, role: Role) {
    await this.page.getByTestId('users-add-open').click();
    const dialog = this.page.getByTestId('users-add-dialog');
    await dialog.getByTestId('users-add-name').fill(name);
    await dialog.getByTestId('users-add-password').fill(password);
    await dialog.getByTestId('users-add-role').selectOption(role);
    await dialog.getByTestId('users-add-submit').click();
    await expect(dialog).toBeHidden();
    await expect(this.userRow(name)).toBeVisible();
  }

  async setRole(name: string, role: Role) {
    await this.page.getByTestId(`users-role-${name}`).selectOption(role);
    await expect(this.page.getByTestId(`users-role-${name}`)).toHaveValue(role);
  }

  /** Creates a token and returns its secret as the dialog shows it (once). */
  async createToken(name: string, role: Role, expiresInDays?: number): Promise<string> {
    await this.page.getByTestId('tokens-create-open').click();
    const dialog = this.page.getByTestId('tokens-create-dialog');
    await dialog.getByTestId('tokens-create-name').fill(name);
    await dialog.getByTestId('tokens-create-role').selectOption(role);
    if (expiresInDays !== undefined) await dialog.getByTestId('tokens-create-expiry').fill(String(expiresInDays));
    await dialog.getByTestId('tokens-create-submit').click();
    const value = dialog.getByTestId('tokens-created-value');
    await expect(value).toBeVisible();
    return (await value.textContent()) ?? '';
  }

  async closeTokenDialog() {
    await this.page.getByTestId('tokens-created-done').click();
    await expect(this.page.getByTestId('tokens-create-dialog')).toBeHidden();
  }

  async revokeToken(name: string) {
    await this.page.getByTestId(`tokens-revoke-${name}`).click();
    const dialog = this.page.getByTestId('tokens-revoke-dialog');
    await dialog.getByTestId('tokens-revoke-submit').click();
    await expect(dialog).toBeHidden();
  }
}
