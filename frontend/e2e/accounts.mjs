// Shared by the browser tests and the screenshot script: signing a new user up in a page.

/** Opens the app at `base` in `page`, creates the account `name` and waits until its socket is online. */
export async function signUpIn(page, base, name) {
  await page.goto(`${base}/`)
  await page.getByRole('button', { name: 'Create an account' }).click()
  await page.getByLabel('Username').fill(name)
  await page.getByLabel('Password').fill('correct horse battery')
  await page.getByRole('button', { name: 'Sign up' }).click()
  await page.locator('.connection[data-state="online"]').waitFor()
}
