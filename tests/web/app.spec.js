// Browser tests of the web application against a real `entitle serve` (started by run_browser_tests.sh).
// One scenario after another (they share the database): a caseworker enters and decides a household and prints its
// notice; a caseworker of another township is refused; a county user runs and approves a batch, then enters a
// standard amendment, watches its impact preview run in the background, reads the impact and adopts it; an auditor
// sees no edit controls, is refused a PUT, and traces the decision of record.
// A screenshot of every page goes to tests/web/artifacts/.
const { test, expect } = require('@playwright/test');
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const ART = path.join(__dirname, 'artifacts');
fs.mkdirSync(ART, { recursive: true });
const PW = process.env.ENTITLE_TEST_PASSWORD || 'correct-horse-battery-staple';
const HH = 'WEB-0001';
const PERIOD = '2026-01';

function idNumber(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let s = 0;
  for (let i = 0; i < 17; i++) s += Number(first17[i]) * w[i];
  return first17 + '10X98765432'[s % 11];
}
const GOOD_ID = idNumber('14052119560312002');          // 1956-03-12, 17th digit 2: female
const BAD_ID = GOOD_ID.slice(0, 17) + (GOOD_ID[17] === '1' ? '2' : '1');  // wrong check character

// ENTITLE_DOCS_IMG=DIR: also write the screenshots the user guides use (docs/img: caseworker-*, auditor-*, county-*),
// cut to at most `height` px.
const DOCS = process.env.ENTITLE_DOCS_IMG || '';
async function shot(page, name, doc, height = 1300) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(150);
  await page.screenshot({ path: path.join(ART, `${name}.png`), fullPage: true });
  if (DOCS && doc) {
    const full = await page.evaluate(() => document.documentElement.scrollHeight);
    const vp = page.viewportSize();
    await page.screenshot({ path: path.join(DOCS, `${doc}.png`), fullPage: true,
      clip: { x: 0, y: 0, width: vp.width, height: Math.min(full, height) } });
  }
}

async function login(page, user) {
  await page.goto('/#/login');
  await expect(page.getByTestId('login-form')).toBeVisible();
  await page.getByTestId('login-user').fill(user);
  await page.getByTestId('login-password').fill(PW);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('user-name')).toHaveText(user);
}

const tid = (page, id) => page.getByTestId(id);
// "+1234.50" → "1,234.50", as the pages show amounts
const yuanText = (x) => x.replace(/^[+-]/, '').replace(/^\d+/, (d) => d.replace(/\B(?=(\d{3})+$)/g, ','));

test.describe.serial('entitle web application', () => {
  test('caseworker: enter a household, save, decide, reasons, notice as PDF, what-if, history', async ({ page, context }) => {
    await page.goto('/');
    await expect(tid(page, 'login-form')).toBeVisible();
    await shot(page, '01-login', 'caseworker-login');
    // a wrong password is refused on the page
    await tid(page, 'login-user').fill('wang');
    await tid(page, 'login-password').fill('wrong-password');
    await tid(page, 'login-submit').click();
    await expect(tid(page, 'login-error')).toContainText('不正确');

    await login(page, 'wang');
    await expect(tid(page, 'user-role')).toHaveText('乡镇经办人');
    await expect(tid(page, 'user-townships')).toContainText('端氏镇');
    await expect(page).toHaveURL(/#\/households/);
    await expect(tid(page, 'household-table')).toBeVisible();
    await expect(tid(page, 'page-info')).toContainText('共');
    await shot(page, '02-households', 'caseworker-households');
    // the list holds only 端氏镇 households, and search narrows it
    const rows = page.locator('[data-testid^="household-row-"]');
    const n = await rows.count();
    expect(n).toBeGreaterThan(0);
    const firstId = (await rows.first().getAttribute('data-testid')).replace('household-row-', '');
    await tid(page, 'search-q').fill(firstId);
    await tid(page, 'search-submit').click();
    await expect(tid(page, `household-row-${firstId}`)).toBeVisible();
    await expect(tid(page, 'page-info')).not.toContainText(`共 ${n} 户`);
    await shot(page, '02b-households-search');

    // a new household through the form
    await page.goto('/#/households');
    await tid(page, 'new-household').click();
    await expect(tid(page, 'household-form')).toBeVisible();
    await tid(page, 'field-id').fill(HH);
    // the caseworker's only township is chosen already, by name
    await expect(tid(page, 'field-region')).toHaveValue('140521103000');
    await expect(tid(page, 'field-region').locator('option:checked')).toHaveText('端氏镇');
    await tid(page, 'field-area').selectOption('rural');
    await tid(page, 'field-members-0-name').fill('李秀英');
    await expect(tid(page, 'field-members-0-relation')).toHaveValue('self');
    // a mistyped identity number: the error beside the field as it is typed
    await tid(page, 'field-members-0-id_number').fill(BAD_ID);
    await expect(tid(page, 'error-members-0-id_number')).toContainText('校验码');
    await expect(tid(page, 'error-members-0-id_number')).toContainText(`应为 ${GOOD_ID[17]}`);
    await shot(page, '03-form-id-error', 'caseworker-id-error', 700);
    // corrected: the error goes, the birth date and sex are filled in from the number
    await tid(page, 'field-members-0-id_number').fill(GOOD_ID);
    await expect(tid(page, 'error-members-0-id_number')).toBeEmpty();
    await expect(tid(page, 'field-members-0-birth_date')).toHaveValue('1956-03-12');
    await expect(tid(page, 'field-members-0-sex')).toHaveValue('female');
    await expect(tid(page, 'note-members-0-id_number')).toContainText('已按身份证号填入');
    // a birth date that disagrees with the number is shown beside the number
    await tid(page, 'field-members-0-birth_date').fill('1956-03-13');
    await tid(page, 'field-members-0-birth_date').blur();
    await expect(tid(page, 'error-members-0-id_number')).toContainText('不符');
    await tid(page, 'field-members-0-birth_date').fill('1956-03-12');
    await tid(page, 'field-members-0-birth_date').blur();
    await expect(tid(page, 'error-members-0-id_number')).toBeEmpty();
    // an income (dropdowns, not codes)
    await tid(page, 'add-members-0-incomes').click();
    await tid(page, 'field-members-0-incomes-0-kind').selectOption('pension_basic');
    await tid(page, 'field-members-0-incomes-0-amount').fill('17x');
    await tid(page, 'field-members-0-incomes-0-amount').blur();
    await expect(tid(page, 'error-members-0-incomes-0-amount')).toContainText('金额');
    await tid(page, 'field-members-0-incomes-0-amount').fill('1700');
    await tid(page, 'field-members-0-incomes-0-per').selectOption('year');
    await expect(tid(page, 'error-members-0-incomes-0-amount')).toBeEmpty();
    // a disability certificate (an optional part switched on)
    await tid(page, 'toggle-members-0-disability').check();
    await tid(page, 'field-members-0-disability-grade').fill('2');
    await tid(page, 'field-members-0-disability-kind').selectOption('physical');
    // a supporter outside the household
    await tid(page, 'add-supporters').click();
    await tid(page, 'field-supporters-0-relation').selectOption('child');
    await tid(page, 'field-supporters-0-birth_date').fill('1980-05-01');
    await expect(tid(page, 'field-supporters-0-of')).toHaveValue('P1');
    await shot(page, '04-form-filled', 'caseworker-form');

    // the server's own check mapped back to the field: a 低保 start month in the future
    await tid(page, 'toggle-status').check();
    await tid(page, 'field-status-dibao_since').fill('2099-01');
    await tid(page, 'save-household').click();
    await expect(tid(page, 'error-status-dibao_since')).not.toBeEmpty();
    await expect(tid(page, 'error-banner')).toBeVisible();
    await shot(page, '05-form-server-error');
    await tid(page, 'toggle-status').uncheck();

    await tid(page, 'save-household').click();
    await expect(tid(page, 'info-banner')).toContainText('已保存');
    await expect(tid(page, 'version-badge')).toHaveText('第 1 版');
    await expect(page).toHaveURL(new RegExp(`#/household/${HH}`));
    await shot(page, '06-form-saved');

    // decide for a month
    await tid(page, 'tab-decide').click();
    await tid(page, 'decide-period').fill(PERIOD);
    await tid(page, 'decide-run').click();
    await expect(tid(page, 'decision-table')).toBeVisible();
    await expect(tid(page, 'decide-meta')).toContainText('已存档');
    await expect(tid(page, 'monthly-total')).toContainText('元');
    // a reason sentence, in Chinese
    const reasons = page.locator('[data-testid$="-reasons"] li');
    expect(await reasons.count()).toBeGreaterThan(0);
    const sentence = await reasons.first().innerText();
    expect(sentence).toMatch(/[\u4e00-\u9fff]/);
    // every program shows one of ✔ ✘ ？ ⇄
    for (const sym of await page.locator('[data-testid$="-symbol"]').allInnerTexts()) expect(['✔', '✘', '？', '⇄']).toContain(sym.trim());
    await shot(page, '07-decision', 'caseworker-decision');
    // the explanation tree of the first program on demand
    const firstExplain = page.locator('[data-testid^="tree-toggle-"]').first();
    const prog = (await firstExplain.getAttribute('data-testid')).replace('tree-toggle-', '');
    await firstExplain.click();
    await expect(tid(page, `tree-${prog}`)).toBeVisible();
    await expect(tid(page, `tree-${prog}`).locator('[data-testid="node-value"]').first()).toBeVisible();
    await shot(page, '08-explanation', 'caseworker-explanation', 1450);

    // the notice: a new tab, printed to PDF
    const [notice] = await Promise.all([context.waitForEvent('page'), tid(page, 'decide-notice').click()]);
    await notice.waitForLoadState('load');
    await expect(notice.locator('body')).toContainText('告知书');
    await expect(notice.locator('body')).toContainText('李秀英');
    await notice.screenshot({ path: path.join(ART, '09-notice.png'), fullPage: true });
    if (DOCS) await notice.screenshot({ path: path.join(DOCS, 'caseworker-notice.png'), clip: { x: 0, y: 0, width: 1280, height: 1300 }, fullPage: true });
    const pdfPath = path.join(ART, 'notice.pdf');
    await notice.pdf({ path: pdfPath, format: 'A4', printBackground: true });
    const pdf = fs.readFileSync(pdfPath);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    let pdfText = null;
    try { pdfText = execFileSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8' }); } catch (e) { /* poppler-utils absent */ }
    if (pdfText !== null) {
      expect(pdfText).toContain('告知书');
      expect(pdfText).toContain('李秀英');
    }
    await notice.close();

    // what-if: a copy of the form with one fact changed, both decisions side by side
    await tid(page, 'tab-whatif').click();
    await tid(page, 'whatif-period').fill(PERIOD);
    await tid(page, 'wf-field-members-0-incomes-0-amount').fill('30000');
    await tid(page, 'whatif-run').click();
    await expect(tid(page, 'whatif-compare')).toBeVisible();
    await expect(page.locator('[data-testid="whatif-compare"] tr[data-changed="yes"]').first()).toBeVisible();
    await expect(tid(page, 'wa-decision')).toBeVisible();
    await expect(tid(page, 'wb-decision')).toBeVisible();
    await shot(page, '10-whatif', 'caseworker-whatif', 1000);

    // history: the caseworker's decision is a draft
    await tid(page, 'tab-history').click();
    await expect(tid(page, `history-period-${PERIOD}`)).toBeVisible();
    await expect(tid(page, `history-period-${PERIOD}`).getByTestId('draft').first()).toBeVisible();
    await expect(tid(page, 'version-row-1')).toBeVisible();
    await shot(page, '11-history-draft', 'caseworker-history');

    // someone else saves meanwhile: 412, told, and offered a reload
    await tid(page, 'tab-form').click();
    const me = await (await page.request.get('/api/me')).json();
    const cur = await page.request.get(`/api/households/${HH}`);
    const rec = await cur.json();
    rec.members[0].employed = false;
    rec.members[0].serious_illness = true;
    const other = await page.request.put(`/api/households/${HH}`, {
      data: rec, headers: { 'X-Entitle-CSRF': me.csrf, 'If-Match': cur.headers().etag } });
    expect(other.status()).toBe(200);
    await tid(page, 'field-members-0-name').fill('李秀英（改）');
    await tid(page, 'save-household').click();
    await expect(tid(page, 'conflict-text')).toContainText('412');
    await shot(page, '12-conflict', 'caseworker-conflict', 500);
    await tid(page, 'conflict-reload').click();
    await expect(tid(page, 'version-badge')).toHaveText('第 2 版');
    await expect(tid(page, 'field-members-0-name')).toHaveValue('李秀英');
    // missing fact links from a decision lead to the form field
    await page.goto(`/#/household/${HH}/decide`);
    await tid(page, 'explain-run').click();
    await expect(tid(page, 'decision-table')).toBeVisible();
    const missing = page.locator('.missing-link').first();
    if (await missing.count()) {
      await missing.click();
      await expect(page).toHaveURL(new RegExp(`#/household/${HH}\\?keep`));
      await expect(page.locator('.flash').first()).toBeVisible();
    }
  });

  test('a caseworker of another township is refused (403 shown)', async ({ page }) => {
    await login(page, 'li');
    await expect(tid(page, 'user-townships')).toContainText('中村镇');
    await page.goto(`/#/household/${HH}`);
    await expect(tid(page, 'household-error-text')).toContainText('403');
    await expect(tid(page, 'error-banner')).toContainText('无权');
    await shot(page, '13-other-township-403', 'caseworker-403', 300);
    // and the household is not in the list
    await page.goto(`/#/households?q=${HH}`);
    await expect(tid(page, 'page-info')).toContainText('共 0 户');
    // nor may it be written
    const me = await (await page.request.get('/api/me')).json();
    const r = await page.request.put(`/api/households/${HH}`, {
      data: { id: HH, region: '140521103000', area: 'rural', members: [{ id: 'P1', relation: 'self', birth_date: '1956-03-12' }] },
      headers: { 'X-Entitle-CSRF': me.csrf } });
    expect(r.status()).toBe(403);
  });

  test('county: batch with progress, approve, decision of record in the history, review list, notice template', async ({ page }) => {
    await login(page, 'zhao');
    await expect(tid(page, 'user-role')).toHaveText('县民政局');
    await expect(page).toHaveURL(/#\/county/);
    await tid(page, 'batch-period').fill(PERIOD);
    await tid(page, 'batch-start').click();
    await expect(tid(page, 'batch-progress')).toHaveAttribute('data-state', /running|done/);
    await shot(page, '14-batch-running');
    await expect(tid(page, 'batch-progress')).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
    await expect(tid(page, 'batch-state')).toContainText('已完成');
    const batch = await (await page.request.get('/api/batch')).json();
    expect(batch.state).toBe('done');
    expect(batch.kind).toBe('batch');
    const run = batch.run;
    await expect(tid(page, `approve-${run}`)).toBeVisible();
    await shot(page, '15-runs');
    await tid(page, `approve-${run}`).click();
    await tid(page, `approve-confirm-${run}`).click();
    await expect(tid(page, `run-approved-${run}`)).toContainText('正式决定');
    const runs = await (await page.request.get('/api/runs')).json();
    expect(runs.find((r) => r.id === run).of_record).toBe(true);
    await shot(page, '15b-runs-approved', 'county-runs', 560);

    // the household's history shows the approved decision of record, with the record version it used
    await page.goto(`/#/household/${HH}/history`);
    const month = tid(page, `history-period-${PERIOD}`);
    await expect(month.getByTestId('of-record')).toBeVisible();
    await expect(month.getByTestId(`history-item-run-${run}`)).toBeVisible();
    await expect(month.getByTestId(`history-item-run-${run}`)).toContainText('第 2 版');
    await shot(page, '16-history-of-record');

    // review list of the run
    await page.goto(`/#/county/runs/${run}/review`);
    await expect(tid(page, 'review-table')).toBeVisible();
    await expect(tid(page, 'review-summary')).toContainText('需复核');
    await shot(page, '17-review');

    // the household list of the whole county, filtered by township name
    await page.goto('/#/households');
    await tid(page, 'filter-township').selectOption({ label: '中村镇' });
    await expect(page).toHaveURL(/township=140521101/);
    // the list is drawn again for the filter: wait for it before reading it
    await expect(page.locator('[data-testid="household-table"] tbody tr td:nth-child(4)').first()).toHaveText('中村镇');
    const towns = await page.locator('[data-testid="household-table"] tbody tr td:nth-child(4)').allInnerTexts();
    expect(towns.length).toBeGreaterThan(0);
    for (const t of towns) expect(t).toBe('中村镇');
    await shot(page, '20b-county-households-filter');

    // notice template
    await page.goto('/#/county/template');
    await expect(tid(page, 'template-text')).not.toHaveValue('');
    const text = await tid(page, 'template-text').inputValue();
    await tid(page, 'template-text').fill(text.replace('____', '30').trimEnd() + '\n社会救助咨询电话：0356-0000000（示例）');
    await tid(page, 'template-save').click();
    await expect(tid(page, 'info-banner')).toContainText('已保存');
    const saved = await (await page.request.get('/api/notice-template')).json();
    expect(saved.text).toContain('0356-0000000');
    await shot(page, '21-template', 'county-template', 620);

    // catalogue
    await page.goto('/#/catalogue');
    await expect(tid(page, 'catalogue-frame')).toBeVisible();
    await expect(page.frameLocator('[data-testid="catalogue-frame"]').locator('body')).toContainText('低保', { timeout: 30_000 });
    await shot(page, '22-catalogue');
  });

  test('county office: raise 沁水县 rural 低保 standard, preview its impact in the background, adopt it', async ({ page }) => {
    await login(page, 'zhao');
    await page.goto('/#/county/standards');
    await expect(tid(page, 'standards')).toBeVisible();
    await expect(tid(page, 'standard-dibao_standard')).toBeVisible();
    // no value from 2026-01-01 yet
    await expect(tid(page, 'std-value-dibao_standard-140521-rural-2026-01-01')).toHaveCount(0);
    await shot(page, '18-standards');

    // enter the amendment: it is stored as a draft and its preview starts as the server's background job
    await tid(page, 'amend-standard').selectOption('dibao_standard');
    await tid(page, 'amend-region').selectOption('140521');
    await tid(page, 'amend-key').selectOption('rural');
    await expect(tid(page, 'amend-unit')).toContainText('元/月');
    await tid(page, 'amend-from').fill('2026-01-01');
    await tid(page, 'amend-value').fill('500');   // above the 440.00 in force: households gain
    await tid(page, 'amend-cite').fill('沁水县民政局 关于提高农村最低生活保障标准的通知（测试）2025-12-20');
    await tid(page, 'amend-preview').click();
    await expect(page).toHaveURL(/#\/county\/standards\?amendment=\d+/);
    const id = Number(new URL(page.url().replace('#/county/standards', '')).searchParams.get('amendment'));
    const view = tid(page, 'amend-view');
    await expect(view).toHaveAttribute('data-preview', /running|done/);
    await expect(tid(page, 'amend-value-text')).toContainText('500 元/月');
    await shot(page, '19a-amendment-running');
    // the progress bar while it runs, then the impact
    await expect(view).toHaveAttribute('data-preview', 'done', { timeout: 90_000 });
    await expect(tid(page, 'amend-progress')).toHaveCount(0);
    const job = await (await page.request.get('/api/batch')).json();
    expect(job.kind).toBe('preview');
    expect(job.amendment).toBe(id);
    expect(job.state).toBe('done');
    const amendment = await (await page.request.get(`/api/amendments/${id}`)).json();
    expect(amendment.preview).toBe('done');
    expect(amendment.status).toBe('draft');

    await expect(tid(page, 'amend-preview-result')).toBeVisible();
    await expect(tid(page, 'impact')).toHaveAttribute('data-charts', 'ready', { timeout: 60_000 });  // ECharts is 1 MB
    await expect(tid(page, 'chart-changes').locator('svg')).toBeVisible();
    await expect(tid(page, 'impact-standards')).toContainText('500');
    // households gaining and the monthly cost change
    const gaining = await tid(page, 'impact-households-gaining').locator('.kpi-value').innerText();
    expect(Number(gaining.replace(/[^\d]/g, ''))).toBeGreaterThan(0);
    expect(Number(gaining.replace(/[^\d]/g, ''))).toBe(new Set(amendment.impact.changes
      .filter((c) => ['newly_eligible', 'increased'].includes(c.change)).map((c) => c.household)).size);
    await expect(tid(page, 'impact-monthly-delta')).toContainText(/^每月支出变化\s*\+[\d,]+\.\d\d 元/);
    await expect(tid(page, 'impact-monthly-delta')).toContainText(yuanText(amendment.impact.monthly_delta));
    await tid(page, 'impact-gainers-box').locator('summary').click();
    const gainer = tid(page, 'impact-gainers').locator('tbody tr').first();
    await expect(gainer.locator('ul.reasons li').first()).not.toBeEmpty();
    await tid(page, 'impact-gainers-box').locator('summary').click();
    await expect(tid(page, 'amend-view-status')).toContainText('已预览');
    await expect(tid(page, `amend-row-${id}`).getByTestId(`amend-status-${id}`)).toContainText('已预览');
    await shot(page, '19-amendment-preview', 'county-amendment', 1250);

    // adopt it: the standards in force show the new value
    await tid(page, 'amend-adopt').click();
    await expect(tid(page, 'amend-adopt-confirm')).toBeVisible();
    await tid(page, 'amend-adopt-confirm').click();
    await expect(tid(page, 'amend-adopted')).toBeVisible();
    await expect(tid(page, 'amend-view-status')).toContainText('已采用');
    await expect(tid(page, `amend-row-${id}`).getByTestId(`amend-status-${id}`)).toContainText('已采用');
    const row = tid(page, 'std-value-dibao_standard-140521-rural-2026-01-01');
    await expect(row).toContainText('500 元/月');
    await expect(row).toContainText('现行');
    await expect(row).toContainText('关于提高农村最低生活保障标准的通知');
    await row.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ART, '19b-standards-adopted.png') });
    const stds = await (await page.request.get('/api/standards')).json();
    const rural = stds.find((s) => s.standard === 'dibao_standard').rows.find((r) => r.region === '140521' && r.key === 'rural');
    expect(rural.values.find((v) => v.from === '2026-01-01')).toMatchObject({ value: '500', in_force_today: true, stale_today: false });
    // opened again from the list of amendments, it says adopted
    await page.goto('/#/county/standards');
    await tid(page, `amend-open-${id}`).click();
    await expect(tid(page, 'amend-view')).toHaveAttribute('data-status', 'adopted');
    await expect(tid(page, 'amend-adopted')).toBeVisible();
    await expect(tid(page, 'amend-adopt')).toHaveCount(0);

    // the preview run: hidden from the runs list unless asked for, marked 预览, with its impact report page
    await page.goto('/#/county');
    await expect(tid(page, 'runs-table')).toBeVisible();
    await expect(tid(page, `run-row-${amendment.preview_run}`)).toHaveCount(0);
    await tid(page, 'show-previews').check();
    await expect(tid(page, `run-preview-${amendment.preview_run}`)).toHaveText('预览');
    await expect(tid(page, `approve-${amendment.preview_run}`)).toHaveCount(0);
    await tid(page, `impact-${amendment.preview_run}`).click();
    await expect(tid(page, 'impact')).toHaveAttribute('data-charts', 'ready', { timeout: 90_000 });
    await expect(tid(page, 'impact-from')).toHaveValue(String(amendment.base_run));
    await expect(tid(page, 'chart-changes').locator('svg')).toBeVisible();
    await expect(tid(page, 'chart-cost').locator('svg')).toBeVisible();
    await expect(tid(page, 'impact-monthly-delta')).toContainText(yuanText(amendment.impact.monthly_delta));
    await expect(tid(page, 'info-banner')).toBeHidden();   // “已采用” from the page before
    await shot(page, '20-impact', 'county-impact', 1150);

    // the review list of the preview run renders, with township names
    await page.goto(`/#/county/runs/${amendment.preview_run}/review`);
    await expect(tid(page, 'review-table')).toBeVisible();
    await expect(tid(page, 'review-summary')).toContainText('需复核');
    const review = await (await page.request.get(`/api/runs/${amendment.preview_run}/review`)).json();
    if (review.review.length) {
      await expect(tid(page, 'review-table').locator('tbody tr')).toHaveCount(review.review.length);
      await expect(tid(page, 'review-table').locator('tbody tr').first()).toContainText(review.review[0].township_name);
    }
    await shot(page, '20c-review-preview', 'county-review', 900);
  });

  test('auditor: no edit controls, a PUT is refused, replay of the decision of record, audit log; 401 back to login', async ({ page, context }) => {
    await login(page, 'sun');
    await expect(tid(page, 'user-role')).toHaveText('审计');
    await page.goto(`/#/household/${HH}`);
    await expect(tid(page, 'household-form')).toBeVisible();
    await expect(tid(page, 'readonly-badge')).toBeVisible();
    await expect(tid(page, 'save-household')).toHaveCount(0);
    await expect(page.locator('[data-testid^="add-"]')).toHaveCount(0);
    await expect(page.locator('[data-testid^="remove-"]')).toHaveCount(0);
    await expect(tid(page, 'field-members-0-name')).toBeDisabled();
    await expect(tid(page, 'tab-whatif')).toHaveCount(0);
    await shot(page, '23-auditor-household', 'auditor-household', 800);
    await page.goto(`/#/household/${HH}/decide`);
    await expect(tid(page, 'decide-run')).toHaveCount(0);
    // a PUT is refused by the server
    const me = await (await page.request.get('/api/me')).json();
    const rec = await (await page.request.get(`/api/households/${HH}`)).json();
    const r = await page.request.put(`/api/households/${HH}`, { data: rec, headers: { 'X-Entitle-CSRF': me.csrf } });
    expect(r.status()).toBe(403);

    // replay the decision of record
    const runs = await (await page.request.get('/api/runs')).json();
    const approved = runs.find((x) => x.approved_at);
    await page.goto(`/#/audit?household=${HH}&period=${PERIOD}&run=${approved.id}`);
    await expect(tid(page, 'replay-verdict')).toHaveAttribute('data-verdict', 'same', { timeout: 60_000 });
    await expect(tid(page, 'replay-record-version')).toContainText('第');
    await expect(tid(page, 'replay-rules')).toBeVisible();
    await expect(tid(page, 'replay-audit')).toBeVisible();
    await shot(page, '24-replay', 'auditor-replay');
    if (DOCS) {
      await tid(page, 'replay-standards').scrollIntoViewIfNeeded();
      await page.evaluate(() => { const el = document.querySelector('[data-testid="replay-standards"]'); window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 80); });
      await page.screenshot({ path: path.join(DOCS, 'auditor-replay-sources.png') });
    }

    await page.goto(`/#/audit/log?target=household:${HH}`);
    await expect(tid(page, 'audit-table')).toBeVisible();
    await expect(page.locator('[data-testid^="audit-row-"]').first()).toBeVisible();
    await shot(page, '25-audit-log', 'auditor-audit-log', 420);

    // the session ends: the next request answers 401 and the page goes back to the login form
    await context.clearCookies();
    await tid(page, 'nav-households').click();
    await expect(tid(page, 'login-form')).toBeVisible();
    await expect(tid(page, 'info-banner')).toContainText('重新登录');
    // and after logging in again, back where the user was
    await tid(page, 'login-user').fill('sun');
    await tid(page, 'login-password').fill(PW);
    await tid(page, 'login-submit').click();
    await expect(page).toHaveURL(/#\/households/);
  });

  test('admin: users', async ({ page }) => {
    await login(page, 'root');
    await expect(page).toHaveURL(/#\/users/);
    await expect(tid(page, 'users-table')).toContainText('wang');
    await tid(page, 'user-new-name').fill('zhou');
    await tid(page, 'user-new-role').selectOption('caseworker');
    await tid(page, 'user-new-townships').fill('140521104');
    await tid(page, 'user-new-password').fill(PW);
    await tid(page, 'user-add').click();
    await expect(tid(page, 'users-table')).toContainText('zhou');
    await shot(page, '28-admin-users');
    await page.goto('/#/audit/log');
    await expect(tid(page, 'audit-table')).toContainText('user_add');
  });

  test('laptop width and print stylesheet', async ({ page }) => {
    await login(page, 'wang');
    // the caseworker sees the county's approved run as the decision of record
    await page.goto(`/#/household/${HH}/history`);
    await expect(tid(page, `history-period-${PERIOD}`).getByTestId('of-record')).toBeVisible();
    await shot(page, '16b-caseworker-history-of-record', 'caseworker-history-of-record', 650);
    await page.setViewportSize({ width: 1024, height: 700 });
    await page.goto(`/#/household/${HH}/decide`);
    await tid(page, 'explain-run').click();
    await expect(tid(page, 'decision-table')).toBeVisible();
    await shot(page, '26-laptop-decision');
    await page.emulateMedia({ media: 'print' });
    await expect(tid(page, 'topbar')).toBeHidden();
    await expect(tid(page, 'decision-table')).toBeVisible();
    await shot(page, '27-print');
  });
});
