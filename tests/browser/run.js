'use strict';
/*
 * The browser test of nsp's web interface: Debian's chromium, driven by
 * playwright-core, clicks through the real pages of a real server.
 *
 *   node tests/browser/run.js [--nsp build/nsp] [--shots build/screenshots]
 *
 * A caseworker registers a person with two children and applies for
 * admission and a reflection period (a refused period first: the rule is
 * shown beside the field and nothing typed is lost); the coordinator
 * grants both; the caseworker claims 7 days; the year page shows the new
 * figures; a caseworker of another organisation cannot open the person;
 * the language switch works and is remembered per user. Screenshots of
 * the main pages are saved for a reviewer. Prints
 * "browser: N passed, N failed" and exits non-zero on any failure.
 */
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');
const { startServer, setUp, launch } = require('./nsp');

const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const ROOT = path.resolve(__dirname, '../..');
const NSP = path.resolve(ROOT, opt('--nsp', 'build/nsp'));
const SHOTS = path.resolve(ROOT, opt('--shots', 'build/screenshots'));

let passed = 0, failed = 0;
async function step(name, fn) {
	try {
		await fn();
		passed++;
		console.log(`ok   ${name}`);
	} catch (e) {
		failed++;
		console.log(`FAIL ${name}\n     ${String(e && e.stack || e).split('\n').slice(0, 4).join('\n     ')}`);
	}
}

/* Days as the server counts them: UTC calendar days, "YYYY-MM-DD". */
function day(offset) {
	const d = new Date(Date.now() + offset * 86400000);
	return d.toISOString().slice(0, 10);
}
const text = (s) => s.replace(/\s+/g, ' ').trim();

/* Watches a page for what must never happen: CSP violations and script errors. */
const problems = [];
function watch(page, who) {
	page.on('console', (m) => {
		/* A page answered 404 or 422 on purpose logs "Failed to load resource": the
		 * responses are checked below instead, for everything but the page itself. */
		if (m.type() === 'error' && !/^Failed to load resource/.test(m.text()))
			problems.push(`${who}: console: ${m.text()}`);
	});
	page.on('response', (r) => {
		if (r.request().resourceType() !== 'document' && r.status() >= 400)
			problems.push(`${who}: ${r.status()} for ${r.url()}`);
	});
	page.on('pageerror', (e) => problems.push(`${who}: page error: ${e.message}`));
	return page;
}

/* Every page: no inline script or style (the CSP forbids them), a label for every input. */
async function checkPage(page) {
	const html = await page.content();
	assert.doesNotMatch(html, /\sstyle="/, 'a style attribute');
	assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'an inline script');
	const unlabelled = await page.$$eval('input:not([type=hidden]), select, textarea', (els) =>
		els.filter((el) => !(el.labels && el.labels.length) && !el.closest('label')).map((el) => el.name));
	assert.deepEqual(unlabelled, [], 'inputs without a label');
}

async function shot(page, name) {
	await checkPage(page);
	await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

async function login(page, base, user, password) {
	await page.goto(base + '/login');
	await page.getByLabel(/Användarnamn|Username/).fill(user);
	await page.getByLabel(/Lösenord|Password/).fill(password);
	await page.getByRole('button', { name: /Logga in|Log in/ }).click();
	await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

async function main() {
	fs.mkdirSync(SHOTS, { recursive: true });
	const year = Number(day(0).slice(0, 4));
	const server = await startServer(NSP);
	const base = server.base;
	const env = await setUp(base, year);
	const browsers = [];
	const open = async (viewport) => {
		const ctx = await launch(chromium, viewport);
		browsers.push(ctx);
		return ctx;
	};
	try {
		const anna = watch(await (await open()).newPage(), 'anna');
		const coord = watch(await (await open()).newPage(), 'samordnare');
		const bertil = watch(await (await open()).newPage(), 'bertil');
		let personUrl, personCode, reflectionApp, decisionUrl;

		await step('the login page is Swedish by default and has no inline code', async () => {
			await anna.goto(base + '/');
			assert.match(anna.url(), /\/login$/);
			assert.equal(await anna.getAttribute('html', 'lang'), 'sv');
			await shot(anna, '01-login');
		});

		await step('a wrong password keeps the username and says why', async () => {
			await anna.getByLabel('Användarnamn').fill('anna');
			await anna.getByLabel('Lösenord').fill('fel-lösenord-123');
			await anna.getByRole('button', { name: 'Logga in' }).click();
			await anna.locator('.error-summary').waitFor();
			assert.match(await anna.locator('.error-summary').innerText(), /fel användarnamn eller lösenord/);
			assert.equal(await anna.getByLabel('Användarnamn').inputValue(), 'anna');
		});

		await step('the caseworker logs in and sees her role, organisation and a logout button', async () => {
			await login(anna, base, 'anna', env.password);
			const header = text(await anna.locator('header.site').innerText());
			assert.match(header, /Handläggare/);
			assert.match(header, /Skyddade Boendet Syd/);
			assert.ok(await anna.getByRole('button', { name: 'Logga ut' }).isVisible());
			assert.match(await anna.getAttribute('html', 'lang'), /sv/);
		});

		await step('the caseworker registers a person; the case code is shown, identity only on its page', async () => {
			await anna.goto(base + '/persons/new');
			await anna.getByLabel('Kvinna', { exact: true }).check();
			await anna.getByLabel('Sexuell exploatering').check();
			await anna.getByLabel('Arbetskraftsexploatering').check();
			await anna.getByLabel('Annat EU-land').check();
			await anna.getByLabel('Hänvisad av').selectOption({ label: 'Polisen' });
			await anna.getByLabel('Rättslig status').selectOption({ label: 'Uppehållstillstånd för betänketid' });
			await anna.getByLabel('Sverige ansvarar för personens skydd').check();
			await anna.getByLabel('Namn', { exact: true }).fill('Testa Personsson');
			await anna.getByLabel('Telefon').fill('070-000 00 00');
			await shot(anna, '02-register-person');
			await anna.getByRole('button', { name: 'Registrera' }).click();
			await anna.waitForURL(/\/persons\/\d+\?done=registered$/);
			personUrl = anna.url().replace(/\?.*$/, '');
			personCode = text(await anna.locator('h1.code').innerText());
			assert.match(personCode, /^NSP-\d{4}-\d{4,}$/);
			assert.doesNotMatch(anna.url(), /Testa|Personsson/, 'personal data in the URL');
			assert.match(await anna.locator('section.identity').innerText(), /Testa Personsson/);
			await anna.goto(base + '/persons');
			assert.match(await anna.locator('main').innerText(), new RegExp(personCode));
			assert.doesNotMatch(await anna.locator('main').innerText(), /Testa Personsson/, 'identity on the list');
		});

		await step('the caseworker registers two children of the person', async () => {
			const children = [['Kvinna', 'Sekundär (bor med föräldern)', '2018'], ['Man', 'Primär', '2020']];
			for (const [gender, role, born] of children) {
				await anna.goto(personUrl);
				await anna.getByRole('link', { name: 'Registrera barn till personen' }).click();
				await anna.getByLabel(gender, { exact: true }).check();
				await anna.getByLabel(role, { exact: true }).check();
				await anna.getByLabel('Födelseår').fill(born);
				await anna.getByRole('button', { name: 'Registrera' }).click();
				await anna.waitForURL(/\/persons\/\d+\?done=registered$/);
				assert.match(await anna.locator('main').innerText(), /Barn/);
			}
			await anna.goto(personUrl);
			assert.equal(await anna.locator('main h2:has-text("Barn") + ul li').count(), 2);
			await shot(anna, '03-person');
		});

		await step('the caseworker applies for admission', async () => {
			await anna.goto(personUrl);
			await anna.getByRole('link', { name: 'Tillträde', exact: true }).click();
			await anna.getByLabel('Organisationen har identifierat personen som brottsoffer').check();
			await anna.getByLabel(/Individuell behovsbedömning/).fill('Behöver skyddat boende, vård och juridisk rådgivning.');
			await anna.getByLabel('Ingen offentlig aktör är tydligt ansvarig').check();
			await anna.getByRole('button', { name: 'Skicka ansökan' }).click();
			await anna.waitForURL(/\/applications\/\d+\?done=applied$/);
		});

		await step('the coordinator sees the admission in the queue and admits the person', async () => {
			await login(coord, base, 'samordnare', env.coordPassword);
			await coord.goto(base + '/queue');
			await coord.getByRole('link', { name: 'Tillträde' }).click();
			assert.equal(await coord.locator('ul.checks li.fail').count(), 0);
			await coord.getByLabel('Beviljad', { exact: true }).check();
			await coord.getByRole('button', { name: 'Fatta beslut' }).click();
			await coord.waitForURL(/\/queue\?done=decided$/);
		});

		await step('the apply form shows what is left and which children can be named before anything is typed', async () => {
			await anna.goto(personUrl);
			await anna.getByRole('link', { name: 'Reflektionsperiod', exact: true }).click();
			const main = text(await anna.locator('main').innerText());
			assert.match(main, /30 av 30 reflektionsdygn kvar/);
			assert.match(main, /180 av 180 dygn förlängd reflektion kvar/);
			assert.match(main, /45 integrationsdagar kvar/);
			assert.equal(await anna.locator('input[name=children]').count(), 2);
		});

		await step('a refused period is explained beside the field and nothing typed is lost', async () => {
			await anna.getByLabel(/Från och med/).fill(day(0));
			await anna.getByLabel(/Till och med/).fill(day(30)); /* 31 days */
			for (const box of await anna.locator('input[name=children]').all())
				await box.check();
			await anna.getByLabel('Ingen offentlig aktör är tydligt ansvarig').check();
			await anna.getByRole('button', { name: 'Skicka ansökan' }).click();
			await anna.locator('.error-summary').waitFor();
			const field = anna.locator('.field.has-error');
			assert.match(await field.innerText(), /R3/);
			assert.equal(await field.locator('input').getAttribute('name'), 'to');
			assert.equal(await anna.getByLabel(/Från och med/).inputValue(), day(0));
			assert.equal(await anna.getByLabel(/Till och med/).inputValue(), day(30));
			assert.equal(await anna.locator('input[name=children]:checked').count(), 2);
			assert.ok(await anna.getByLabel('Ingen offentlig aktör är tydligt ansvarig').isChecked());
			await shot(anna, '04-apply-refused');
		});

		await step('the caseworker applies for a 30-day reflection period with both children', async () => {
			await anna.getByLabel(/Till och med/).fill(day(29));
			await anna.getByRole('button', { name: 'Skicka ansökan' }).click();
			await anna.waitForURL(/\/applications\/\d+\?done=applied$/);
			reflectionApp = anna.url().replace(/\?.*$/, '');
		});

		await step('the coordinator sees the history, the amount and every rule check, and grants it', async () => {
			await coord.goto(base + '/queue');
			assert.match(await coord.locator('main').innerText(), new RegExp(personCode));
			await shot(coord, '05-queue');
			await coord.goto(reflectionApp);
			assert.ok(await coord.locator('figure.timeline svg rect.proposed').count() === 1, 'the period on the timeline');
			assert.match(text(await coord.locator('tr.total').first().innerText()), /54 600 kr/);
			assert.ok(await coord.locator('ul.checks li.ok').count() >= 6);
			assert.equal(await coord.locator('ul.checks li.fail').count(), 0);
			await shot(coord, '06-application');
			await coord.getByLabel('Beviljad', { exact: true }).check();
			await coord.getByRole('button', { name: 'Fatta beslut' }).click();
			await coord.waitForURL(/\/queue\?done=decided$/);
		});

		await step('the caseworker start page lists the decision waiting for a claim', async () => {
			await anna.goto(base + '/');
			const panel = anna.locator('section.panel', { hasText: 'Beslut som väntar på rekvisition' });
			assert.match(text(await panel.innerText()), /54 600 kr/);
			await shot(anna, '07-home-caseworker');
			await panel.getByRole('link', { name: 'Begär utbetalning' }).click();
			decisionUrl = anna.url();
			assert.match(decisionUrl, /\/decisions\/\d+$/);
		});

		await step('a claim above the decision is refused beside the field', async () => {
			await anna.getByLabel('Antal dygn som användes').fill('31');
			await anna.getByRole('button', { name: 'Registrera utbetalning' }).click();
			await anna.locator('.field.has-error').waitFor();
			assert.match(await anna.locator('.field.has-error').innerText(), /1–30/);
			assert.equal(await anna.getByLabel('Antal dygn som användes').inputValue(), '31');
		});

		await step('the caseworker claims 7 days: 7 × (1 320 + 500) kr', async () => {
			await anna.getByLabel('Antal dygn som användes').fill('7');
			await anna.getByRole('button', { name: 'Registrera utbetalning' }).click();
			await anna.waitForURL(/\?done=claimed$/);
			const main = text(await anna.locator('main').innerText());
			assert.match(main, /12 740 kr/);
			await shot(anna, '08-decision-claimed');
		});

		await step('the year page shows the new figures', async () => {
			await coord.goto(base + '/year');
			assert.match(coord.url(), new RegExp(`/years/${year}$`));
			const fig = async (f) => text(await coord.locator(`[data-figure=${f}] .value`).innerText());
			assert.equal(await fig('budget_ore'), '3 500 000 kr');
			assert.equal(await fig('committed_ore'), '54 600 kr');
			assert.equal(await fig('paid_ore'), '12 740 kr');
			assert.equal(await fig('remaining_ore'), '3 445 400 kr');
			assert.ok(await coord.locator('figure.chart rect.s-committed').count() >= 1);
			await shot(coord, '09-year');
		});

		await step('a caseworker of another organisation cannot open the person, its application or decision', async () => {
			await login(bertil, base, 'bertil', env.password);
			for (const url of [personUrl, reflectionApp, decisionUrl, personUrl + '/apply?type=reflection']) {
				const r = await bertil.goto(url);
				assert.equal(r.status(), 404, url);
				assert.doesNotMatch(await bertil.content(), new RegExp(personCode), url);
			}
			await bertil.goto(base + '/persons');
			assert.doesNotMatch(await bertil.locator('main').innerText(), new RegExp(personCode));
			await shot(bertil, '10-not-found');
		});

		await step('pages with personal data are not cached; the CSRF token is required', async () => {
			const r = await anna.goto(personUrl);
			assert.equal(r.headers()['cache-control'], 'no-store');
			assert.match(r.headers()['content-security-policy'], /script-src 'self'/);
			const cookies = await anna.context().cookies();
			const post = await anna.context().request.post(personUrl + '/exit', {
				form: { destination: 'other' }, maxRedirects: 0,
				headers: { Cookie: cookies.map((c) => `${c.name}=${c.value}`).join('; ') },
			});
			assert.equal(post.status(), 403);
		});

		await step('the language switch works and is remembered per user', async () => {
			await anna.goto(base + '/');
			await anna.getByRole('button', { name: 'English' }).click();
			await anna.waitForLoadState();
			assert.equal(await anna.getAttribute('html', 'lang'), 'en');
			assert.equal(text(await anna.locator('h1').innerText()), 'Home');
			await anna.goto(base + '/persons');
			assert.equal(text(await anna.locator('h1').innerText()), 'Persons');
			await anna.getByRole('button', { name: 'Log out' }).click();
			await anna.waitForURL(/\/login/);
			await login(anna, base, 'anna', env.password);
			assert.equal(await anna.getAttribute('html', 'lang'), 'en');
			await anna.goto(personUrl);
			assert.match(text(await anna.locator('main').innerText()), /23 of 30 reflection days left|0 of 30 reflection days left/);
			await shot(anna, '11-person-english');
			await anna.getByRole('button', { name: 'Svenska' }).click();
			await anna.waitForLoadState();
			assert.equal(await anna.getAttribute('html', 'lang'), 'sv');
		});

		await step('the organisations page shows who is housed today', async () => {
			await coord.goto(base + '/organisations');
			const row = coord.locator('tr', { hasText: 'Skyddade Boendet Syd' });
			assert.match(text(await row.innerText()), /Certifierad/);
			assert.match(text(await row.innerText()), /vuxna 1, barn 2/);
		});

		await step('the funder sees the annual report and nothing else', async () => {
			await env.api.call('POST', '/api/v1/users', { username: 'finansiar', password: env.password, role: 'funder' });
			const funder = watch(await (await open()).newPage(), 'funder');
			await login(funder, base, 'finansiar', env.password);
			assert.match(funder.url(), new RegExp(`/reports/${year}$`));
			assert.match(text(await funder.locator('main').innerText()), /54 600 kr/);
			assert.equal(await funder.locator('header.site nav a').count(), 1);
			for (const url of [personUrl, base + '/persons', base + '/decisions', base + '/year', base + '/queue']) {
				const r = await funder.goto(url);
				assert.equal(r.status(), 403, url);
				assert.doesNotMatch(await funder.content(), new RegExp(personCode), url);
			}
		});

		await step('the coordinator pages open: organisations, users, placements, consultations, report', async () => {
			for (const [url, name] of [['/organisations', '12-organisations'], ['/users', '13-users'],
				['/placements', '14-placements'], ['/consultations', '15-consultations'], [`/reports/${year}`, '16-report']]) {
				const r = await coord.goto(base + url);
				assert.equal(r.status(), 200, url);
				await shot(coord, name);
			}
		});

		await step('the pages are usable at 360 px width', async () => {
			const phone = watch(await (await open({ width: 360, height: 780 })).newPage(), 'phone');
			await login(phone, base, 'anna', env.password);
			await phone.goto(personUrl + '/apply?type=extended');
			const width = await phone.evaluate(() => document.documentElement.scrollWidth);
			assert.ok(width <= 360, `the page is ${width} px wide`);
			await shot(phone, '17-apply-360px');
			await phone.goto(base + '/');
			await shot(phone, '18-home-360px');
		});

		await step('the keyboard reaches the skip link first', async () => {
			await anna.goto(base + '/');
			await anna.keyboard.press('Tab');
			assert.equal(await anna.evaluate(() => document.activeElement.className), 'skip');
		});

		await step('no page logged a script error or a CSP violation, and every catalogue key exists', async () => {
			assert.deepEqual(problems, [], problems.join('\n'));
			assert.doesNotMatch(server.stderr(), /i18n: missing/);
		});
	} finally {
		for (const b of browsers)
			await b.close().catch(() => {});
		const code = await server.stop();
		await step('the server stopped cleanly, without a sanitizer report', async () => {
			assert.equal(code, 0, server.stderr());
			assert.doesNotMatch(server.stderr(), /AddressSanitizer|LeakSanitizer|runtime error/);
		});
	}
}

main()
	.catch((e) => {
		failed++;
		console.log(`FAIL the test could not run: ${e && e.stack || e}`);
	})
	.finally(() => {
		console.log(`browser: ${passed} passed, ${failed} failed`);
		process.exitCode = failed ? 1 : 0;
	});
