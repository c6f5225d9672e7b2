import { expect, type Page } from '@playwright/test';

export interface UiBinding {
  permission: 'ALLOW' | 'DENY';
  principal: string;
  operation: string;
  resourceType: 'TOPIC' | 'GROUP' | 'CLUSTER' | 'TRANSACTIONAL_ID';
  patternType: 'LITERAL' | 'PREFIXED';
  resourceName: string;
  host?: string;
}

/** /acls: the bindings table, its filters and the add dialog. */
export class AclsPage {
  constructor(private readonly page: Page) {}

  async goto() {
    await this.page.goto('/acls');
    await expect(this.page.getByRole('heading', { name: 'ACLs', level: 1 })).toBeVisible();
  }

  get table() {
    return this.page.getByTestId('acls-table');
  }

  get empty() {
    return this.page.getByTestId('acls-empty');
  }

  row(b: Pick<UiBinding, 'resourceName' | 'principal' | 'operation' | 'permission'>) {
    return this.page.getByTestId(`acls-row-${b.resourceName}-${b.principal}-${b.operation}-${b.permission}`);
  }

  /** Fills the dialog; returns the dialog (still open when the server refused the binding). */
  async add(b: UiBinding) {
    await this.page.getByTestId('acls-add-open').click();
    const dialog = this.page.getByTestId('acls-add-dialog');
    await dialog.getByTestId('acls-add-permission').selectOption(b.permission);
    await dialog.getByTestId('acls-add-principal').fill(b.principal);
    await dialog.getByTestId('acls-add-operation').selectOption(b.operation);
    await dialog.getByTestId('acls-add-type').selectOption(b.resourceType);
    await dialog.getByTestId('acls-add-pattern').selectOption(b.patternType);
    await dialog.getByTestId('acls-add-name').fill(b.resourceName);
    if (b.host) await dialog.getByTestId('acls-add-host').fill(b.host);
    await dialog.getByTestId('acls-add-submit').click();
    return dialog;
  }

  async filterByName(name: string) {
    await this.page.getByTestId('acls-filter-name').fill(name);
  }

  async remove(b: Pick<UiBinding, 'resourceName' | 'principal' | 'operation' | 'permission'>) {
    await this.row(b).getByRole('button', { name: 'Delete' }).click();
    await expect(this.row(b)).toHaveCount(0);
  }
}
