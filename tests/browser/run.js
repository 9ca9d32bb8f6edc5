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
 * grants both; the caseworker claims 7 nights (a rekvisition), the
 * coordinator approves it and the report's child-supplement row shows the
 * supplement paid; the year page shows the new figures; a caseworker of another organisation cannot open the person;
 * the language switch works and is remembered per user. Coordinators and
 * caseworkers set up two-step verification (TOTP) at their first login and
 * give a code after the password at every later one; a coordinator resets a
 * caseworker's second factor. The coordinator records places and reads
 * them on the map of the police regions, records certification events
 * (refused transitions and unmet requirements explained beside the field),
 * adds a requirement to the year's checklist, records a network meeting, a
 * request without a place and a consultation; a decision above the year's
 * four-eyes threshold waits until a second coordinator approves it. A woman
 * with one child applies for admission and a reflection period in one form;
 * the coordinator decides both in one act, over capacity with a reason (R13,
 * R15). A caseworker of a member organisation records a contact with a
 * person outside the programme (issue 19).
 * Screenshots of the main pages are saved for a reviewer. Prints
 * "browser: N passed, N failed" and exits non-zero on any failure.
 */
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const { chromium } = require('playwright-core');
const { startServer, startMailServer, setUp, launch, Authenticator, phones, totp, clock } = require('./nsp');

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

/* Days as the server counts them: calendar days in Europe/Stockholm (README: "Today"),
 * "YYYY-MM-DD"; offset days from today. */
const stockholm = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit' });
function day(offset) {
	const d = new Date(stockholm.format(new Date(clock())) + 'T00:00:00Z');
	d.setUTCDate(d.getUTCDate() + offset);
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

/* A decision letter fetched with the page's own session, as its link on the decision page does:
 * saved with a picture of its first page (pdftoppm) in SHOTS; returns its text (pdftotext). */
async function letterShot(page, href, name) {
	const r = await page.context().request.get(href);
	assert.equal(r.status(), 200, href);
	assert.equal(r.headers()['content-type'], 'application/pdf');
	const pdf = path.join(SHOTS, `${name}.pdf`);
	fs.writeFileSync(pdf, await r.body());
	execFileSync('pdftoppm', ['-png', '-r', '80', '-singlefile', pdf, path.join(SHOTS, name)]);
	return execFileSync('pdftotext', ['-layout', pdf, '-']).toString('utf8');
}

/* The text of the letter (PDF) attached to a notice of kind to the organisation's contact for
 * which pred holds, waited for (the sender delivers in the background). */
async function mailedLetter(mail, kind, pred) {
	const letters = () => mail.messages()
		.filter((m) => /^To: <kontakt@orga\.example>$/m.test(m) && new RegExp(`^X-NSP-Notice: ${kind}$`, 'm').test(m))
		.map((m) => {
			const part = m.split(/\r?\n--nsp-notice-boundary-7f3a\r?\n/).find((x) => /application\/pdf/.test(x));
			if (!part)
				return '';
			const b64 = part.split(/\r?\n\r?\n/)[1].replace(/--nsp-notice-boundary-7f3a--[\s\S]*$/, '');
			const file = path.join(SHOTS, 'mail-letter.pdf');
			fs.writeFileSync(file, Buffer.from(b64.replace(/\s+/g, ''), 'base64'));
			return text(execFileSync('pdftotext', ['-layout', file, '-']).toString('utf8'));
		});
	const deadline = Date.now() + 30000;
	let found;
	while (!(found = letters().find(pred)) && Date.now() < deadline)
		await new Promise((r) => setTimeout(r, 100));
	assert.ok(found, `no ${kind} mail with the letter among ${mail.messages().length} messages`);
	return found;
}

/* The password step; resolves when the next page (the code step, or a page of the logged-in user) is there. */
async function passwordStep(page, base, user, password) {
	await page.goto(base + '/login');
	await page.getByLabel(/Användarnamn|Username/).fill(user);
	await page.getByLabel(/Lösenord|Password/).fill(password);
	await page.getByRole('button', { name: /Logga in|Log in/ }).click();
	await page.locator('input[name=code]').or(page.locator('header.site nav')).first().waitFor();
}

/* The code step of the login form, with the code of the user's authenticator. */
async function codeStep(page, user) {
	await page.getByLabel(/Kod \(6 siffror\)|Code \(6 digits\)/).fill(await phones.get(user).code());
	await page.getByRole('button', { name: /Fortsätt|Continue/ }).click();
	await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

/* Enrolment on the user's own page (/me): the QR code, its key, a first code, the recovery codes. */
async function enrol(page, user) {
	await page.getByRole('button', { name: /Ställ in tvåstegsverifiering|Set up two-step verification/ }).click();
	await page.locator('figure.qr svg path').waitFor();
	const secret = (await page.locator('p.secret code').innerText()).replace(/\s+/g, '');
	assert.match(secret, /^[A-Z2-7]{32}$/);
	const phone = new Authenticator(secret);
	phones.set(user, phone);
	await page.getByLabel(/Kod \(6 siffror\)|Code \(6 digits\)/).fill(await phone.code());
	await page.getByRole('button', { name: /Bekräfta|Confirm/ }).click();
	await page.locator('ol.recovery-codes').waitFor();
	const codes = await page.locator('ol.recovery-codes li').allInnerTexts();
	assert.equal(codes.length, 10);
	return codes;
}

/* A whole login: password, then the code, or the enrolment that nsp requires first. */
async function login(page, base, user, password) {
	await passwordStep(page, base, user, password);
	if (new URL(page.url()).pathname.startsWith('/login'))
		return codeStep(page, user);
	if (new URL(page.url()).pathname === '/me') {
		await enrol(page, user);
		await page.getByRole('link', { name: /Fortsätt till NSP|Continue to NSP/ }).click();
	}
	await page.waitForURL((u) => !u.pathname.startsWith('/login') && u.pathname !== '/me');
}

async function main() {
	fs.mkdirSync(SHOTS, { recursive: true });
	const year = Number(day(0).slice(0, 4));
	/* A real SMTP server: the decision's notice arrives with its letter (issue 17). */
	const mail = await startMailServer();
	const server = await startServer(NSP, ['--smtp', `smtp://127.0.0.1:${mail.port}`, '--mail-from', 'nsp@stodprogrammet.example']);
	const base = server.base;
	const env = await setUp(base, year);
	await env.api.call('PUT', `/api/v1/organisations/${env.orgA.id}/contact-email`, { contact_email: 'kontakt@orga.example' });
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

		await step('a caseworker must set up two-step verification first: QR code, a code, ten recovery codes', async () => {
			await passwordStep(anna, base, 'anna', env.password);
			assert.match(anna.url(), /\/me$/);
			assert.match(await anna.locator('main').innerText(), /måste ställa in tvåstegsverifiering/);
			const r = await anna.goto(base + '/persons');
			assert.match(anna.url(), /\/me$/, 'every other page sends her back to enrol');
			assert.equal(r.status(), 200);
			await anna.getByRole('button', { name: 'Ställ in tvåstegsverifiering' }).click();
			await anna.locator('figure.qr svg path').waitFor();
			await shot(anna, '01b-enrol-qr');
			/* a wrong code is refused beside the field, and the enrolment stays pending */
			const secret = (await anna.locator('p.secret code').innerText()).replace(/\s+/g, '');
			const now = Math.floor(clock() / 30000);
			const valid = new Set([-2, -1, 0, 1, 2].map((d) => totp(secret, now + d)));
			await anna.getByLabel('Kod (6 siffror)').fill(['000000', '111111', '222222'].find((c) => !valid.has(c)));
			await anna.getByRole('button', { name: 'Bekräfta' }).click();
			await anna.locator('.field.has-error').waitFor();
			assert.ok(await anna.locator('figure.qr svg').count() === 1);
			/* the page shown again holds the same pending secret */
			assert.equal((await anna.locator('p.secret code').innerText()).replace(/\s+/g, ''), secret);
			const phone = new Authenticator(secret);
			phones.set('anna', phone);
			await anna.getByLabel('Kod (6 siffror)').fill(await phone.code());
			await anna.getByRole('button', { name: 'Bekräfta' }).click();
			await anna.locator('ol.recovery-codes').waitFor();
			const codes = await anna.locator('ol.recovery-codes li').allInnerTexts();
			assert.equal(codes.length, 10);
			assert.ok(codes.every((c) => /^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/.test(c.trim())), codes.join(' '));
			await shot(anna, '01c-recovery-codes');
			await anna.getByRole('link', { name: 'Fortsätt till NSP' }).click();
			await anna.waitForURL((u) => u.pathname === '/');
			await anna.goto(base + '/me');
			assert.match(await anna.locator('main').innerText(), /Oanvända reservkoder: 10/);
			await anna.getByRole('button', { name: 'Logga ut' }).click();
			await anna.waitForURL(/\/login/);
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

		await step('a person form with three mistakes shows three labelled messages, beside each field and at the top', async () => {
			await anna.goto(base + '/persons/new');
			/* As a browser without form validation would send it: no gender, a birth year out of range,
			 * a birth date in the future (two years ahead of whatever today is). */
			await anna.locator('main form').evaluate((f) => { f.noValidate = true; });
			await anna.getByLabel('Födelseår').fill('1800');
			const future = `${Number(day(0).slice(0, 4)) + 2}-01-01`;
			await anna.getByLabel('Födelsedatum').fill(future);
			await anna.getByRole('button', { name: 'Registrera' }).click();
			await anna.locator('.error-summary').waitFor();
			const items = await anna.locator('.error-summary li').allInnerTexts();
			assert.equal(items.length, 3, items.join(' | '));
			assert.match(items[0], /^Kön måste anges/);
			assert.match(items[1], /^Födelseåret måste vara mellan 1900 och/);
			assert.match(items[2], /^Födelsedatumet får inte ligga i framtiden/);
			for (const t of items)
				assert.doesNotMatch(t, /gender|birth_|identity\.|Fältet/, `a raw field name: ${t}`);
			const beside = await anna.locator('.field.has-error .error').allInnerTexts();
			assert.equal(beside.length, 3, beside.join(' | '));
			assert.match(await anna.locator('.error-summary h2').innerText(), /rätta uppgifterna/);
			/* what was typed is kept */
			assert.equal(await anna.getByLabel('Födelsedatum').inputValue(), future);
			await shot(anna, '02b-person-three-errors');
		});

		await step('the caseworker edits the identity on the person\'s page; a bad date is shown beside the field', async () => {
			await anna.goto(personUrl);
			const section = anna.locator('section.identity');
			await section.getByText('Ändra identitetsuppgifter').click();
			/* the form comes filled with what is stored */
			assert.equal(await section.getByLabel('Namn', { exact: true }).inputValue(), 'Testa Personsson');
			assert.equal(await section.getByLabel('Telefon').inputValue(), '070-000 00 00');
			await section.getByLabel('Telefon').fill('070-111 22 33');
			/* a native date field takes only real days; a day in the future is refused by the server */
			assert.equal(await section.getByLabel('Födelsedatum').getAttribute('type'), 'date');
			await section.getByLabel('Födelsedatum').fill(day(400));
			await section.getByRole('button', { name: 'Spara identitetsuppgifterna' }).click();
			await anna.locator('.field.has-error').waitFor();
			const field = anna.locator('.field.has-error');
			assert.equal(await field.locator('input').getAttribute('name'), 'identity.birth_date');
			assert.equal(await anna.locator('section.identity').getByLabel('Telefon').inputValue(), '070-111 22 33');
			assert.doesNotMatch(anna.url(), /070|Testa|Personsson/, 'personal data in the URL');
			await anna.locator('section.identity').getByLabel('Födelsedatum').fill('1990-05-17');
			await anna.locator('section.identity').getByRole('button', { name: 'Spara identitetsuppgifterna' }).click();
			await anna.waitForURL(/\/persons\/\d+\?done=identity_saved$/);
			const shown = text(await anna.locator('section.identity dl').innerText());
			assert.match(shown, /070-111 22 33/);
			assert.match(shown, /1990-05-17/);
			assert.match(shown, /Testa Personsson/);
			assert.doesNotMatch(shown, /070-000 00 00/);
		});

		await step('the caseworker registers two children of the person', async () => {
			/* a child's gender and role in plain words (issue 15) */
			const children = [['Flicka', 'Bor med föräldern', '2018'], ['Pojke', 'Bor med föräldern, egen plan', '2020']];
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

		await step('the second step of the login asks for the code; a wrong code is refused, the right one lets in', async () => {
			await passwordStep(coord, base, 'samordnare', env.coordPassword);
			assert.match(coord.url(), /\/login$/);
			assert.equal(await coord.locator('header.site nav').count(), 0, 'no session after the password alone');
			await shot(coord, '01d-login-code');
			const phone = phones.get('samordnare');
			const now = Math.floor(clock() / 30000);
			const valid = new Set([-2, -1, 0, 1, 2].map((d) => totp(phone.secret, now + d)));
			await coord.getByLabel('Kod (6 siffror)').fill(['000000', '111111', '222222'].find((c) => !valid.has(c)));
			await coord.getByRole('button', { name: 'Fortsätt' }).click();
			await coord.locator('.error-summary').waitFor();
			assert.match(await coord.locator('.error-summary').innerText(), /fel kod/);
			await codeStep(coord, 'samordnare');
			assert.ok(await coord.getByRole('button', { name: 'Logga ut' }).isVisible());
		});

		await step('the coordinator sees the admission in the queue and admits the person', async () => {
			await coord.goto(base + '/queue');
			await coord.getByRole('link', { name: 'Tillträde' }).click();
			assert.equal(await coord.locator('ul.checks li.fail').count(), 0);
			/* the coordinator sees the identification answer and the needs assessment */
			const facts = text(await coord.locator('dl.facts').first().innerText());
			assert.match(facts, /Identifierad som brottsoffer av organisationen Ja/);
			assert.match(facts, /Individuell behovsbedömning \S/);
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
			/* the period began a week ago: the nights used so far can be claimed (domain.md §8) */
			await anna.getByLabel(/Från och med/).fill(day(-7));
			await anna.getByLabel(/Till och med/).fill(day(23)); /* 31 days */
			for (const box of await anna.locator('input[name=children]').all())
				await box.check();
			/* the organisation works in two regions: the place's region is chosen; the target group
			 * follows from the person and the children unless chosen */
			assert.equal(await anna.getByLabel('Polisregion för boendeplatsen').inputValue(), '');
			assert.match(await anna.getByLabel('Målgrupp för platsen').locator('option:checked').innerText(),
				/Automatiskt: Kvinnor, eller Familjer när barn anges/);
			await anna.getByLabel('Polisregion för boendeplatsen').selectOption({ label: 'Väst' });
			await anna.getByLabel('Ingen offentlig aktör är tydligt ansvarig').check();
			await anna.getByRole('button', { name: 'Skicka ansökan' }).click();
			await anna.locator('.error-summary').waitFor();
			const field = anna.locator('.field.has-error');
			assert.match(await field.innerText(), /R3/);
			assert.equal(await field.locator('input').getAttribute('name'), 'to');
			assert.equal(await anna.getByLabel(/Från och med/).inputValue(), day(-7));
			assert.equal(await anna.getByLabel(/Till och med/).inputValue(), day(23));
			assert.equal(await anna.locator('input[name=children]:checked').count(), 2);
			assert.equal(await anna.getByLabel('Polisregion för boendeplatsen').inputValue(), 'Väst');
			assert.ok(await anna.getByLabel('Ingen offentlig aktör är tydligt ansvarig').isChecked());
			await shot(anna, '04-apply-refused');
		});

		await step('the caseworker applies for a 30-day reflection period with both children', async () => {
			await anna.getByLabel(/Till och med/).fill(day(22));
			await anna.getByLabel('Polisregion för boendeplatsen').selectOption({ label: 'Syd' });
			await anna.getByRole('button', { name: 'Skicka ansökan' }).click();
			await anna.waitForURL(/\/applications\/\d+\?done=applied$/);
			/* the caseworker is told what happens next */
			assert.match(text(await anna.locator('main').innerText()), /Nästa steg: samordnaren prövar den/);
			reflectionApp = anna.url().replace(/\?.*$/, '');
			/* the place arrives, so that occupancy counts against Syd's family places */
			const app = await env.api.call('GET', '/api/v1' + new URL(reflectionApp).pathname);
			assert.equal(app.region, 'Syd');
			assert.equal(app.target_group, 'families');
		});

		await step('the coordinator sees the history, the amount and every rule check, and grants it', async () => {
			await coord.goto(base + '/queue');
			assert.match(await coord.locator('main').innerText(), new RegExp(personCode));
			await shot(coord, '05-queue');
			await coord.goto(reflectionApp);
			assert.ok(await coord.locator('figure.timeline svg rect.proposed').count() === 1, 'the period on the timeline');
			assert.match(text(await coord.locator('tr.total').first().innerText()), /54 600 kr/);
			/* the applying organisation, the place and the period with its unit */
			const facts = text(await coord.locator('dl.facts').first().innerText());
			assert.match(facts, /Ansökande organisation Skyddade Boendet Syd/);
			assert.match(facts, /Polisregion för boendeplatsen Syd/);
			assert.match(facts, new RegExp(`${day(-7)} – ${day(22)} \\(30 dygn\\)`));
			assert.ok(await coord.locator('ul.checks li.ok').count() >= 6);
			assert.equal(await coord.locator('ul.checks li.fail').count(), 0);
			await shot(coord, '06-application');
			await coord.getByLabel('Beviljad', { exact: true }).check();
			await coord.getByRole('button', { name: 'Fatta beslut' }).click();
			await coord.waitForURL(/\/queue\?done=decided$/);
		});

		await step('the person page shows the period\'s end and the days left; a child is covered through the parent', async () => {
			await anna.goto(personUrl);
			const main = text(await anna.locator('main').innerText());
			/* the period began a week ago: today..day(22), today and the last day both count */
			assert.match(main, new RegExp(`Pågående period: ${day(-7)} till och med ${day(22)}\\. 23 dagar kvar`));
			assert.match(main, /reflektionsdygn kvar/, 'what is left of the allowance beside it');
			const girl = anna.getByRole('listitem').filter({ hasText: 'Flicka' }).getByRole('link');
			const girlCode = text(await girl.innerText());
			const boyCode = text(await anna.getByRole('listitem').filter({ hasText: 'Pojke' }).getByRole('link').innerText());
			await girl.click();
			const child = text(await anna.locator('main').innerText());
			assert.match(child, /Omfattas av programmet genom föräldern/);
			assert.doesNotMatch(child, /Inte antagen i programmet/);
			assert.match(child, /23 dagar kvar/);
			assert.match(child, /Kön Flicka/);
			await shot(anna, '06b-child-through-parent');
			/* the persons list finds the person by a part of the case code, with the days left */
			await anna.goto(base + '/persons');
			await anna.getByLabel('Ärendekod').fill(personCode.slice(-4));
			await anna.getByRole('button', { name: 'Sök' }).click();
			await anna.waitForURL(/\/persons\?code=/);
			const row = anna.locator('tbody tr', { hasText: personCode });
			assert.match(text(await row.innerText()), new RegExp(`${day(22)} 23 dagar kvar`));
			await shot(anna, '06c-persons-search');
			/* the start page's recent persons are the newest: the boy was registered last */
			await anna.goto(base + '/');
			const recent = anna.locator('section.panel', { hasText: 'Senast registrerade personer' });
			assert.equal(text(await recent.locator('li a').first().innerText()), boyCode);
			assert.ok(girlCode !== boyCode);
		});

		await step('the lists of applications and decisions find by case code, newest first; a 0 kr admission has nothing to pay', async () => {
			assert.equal(await anna.evaluate(() => navigator.language), 'sv-SE');
			await anna.goto(base + '/applications');
			const dates = await anna.locator('main tbody tr td:first-child').allInnerTexts();
			assert.ok(dates.length >= 2, 'the applications are listed');
			assert.deepEqual([...dates].sort().reverse(), dates, 'newest first');
			await anna.getByLabel('Ärendekod').fill(personCode.slice(-4).toLowerCase());
			await anna.getByRole('button', { name: 'Sök' }).click();
			await anna.waitForURL(/\/applications\?code=/);
			const rows = await anna.locator('main tbody tr').allInnerTexts();
			assert.ok(rows.length >= 2 && rows.every((r) => r.includes(personCode)), rows.join('\n'));
			/* the link sits on the case code */
			assert.ok(await anna.locator('main tbody td.code a', { hasText: personCode }).count() >= 2);
			assert.match(text(await anna.locator('main').innerText()), /Visar 1–\d+ av \d+, de senast inskickade först/);
			await shot(anna, '06d-applications-search');
			await anna.goto(base + '/decisions');
			const admission = anna.locator('main tbody tr', { hasText: 'Tillträde' }).first();
			assert.match(text(await admission.innerText()), /Inget belopp/);
			assert.doesNotMatch(text(await admission.innerText()), /Öppet/);
			await anna.getByLabel('Perioden slutar').selectOption('30');
			await anna.getByRole('button', { name: 'Sök' }).click();
			await anna.waitForURL(/ends_within=30/);
			assert.match(text(await anna.locator('main tbody').innerText()), /23 dagar kvar/);
			await shot(anna, '06e-decisions-ending');
			await anna.getByLabel('Perioden slutar').selectOption('14');
			await anna.getByRole('button', { name: 'Sök' }).click();
			await anna.waitForURL(/ends_within=14/);
			assert.match(text(await anna.locator('main').innerText()), /Inga beslut matchar sökningen/);
		});

		await step('the caseworker start page lists the decision waiting for a claim', async () => {
			await anna.goto(base + '/');
			const panel = anna.locator('section.panel', { hasText: 'Beslut som väntar på rekvisition' });
			assert.match(text(await panel.innerText()), /54 600 kr/);
			await shot(anna, '07-home-caseworker');
			await panel.getByRole('link', { name: 'Skicka rekvisition' }).click();
			decisionUrl = anna.url();
			assert.match(decisionUrl, /\/decisions\/\d+$/);
		});

		await step('a claim of nights that have not passed yet is refused beside the field', async () => {
			/* the form starts at the first night not claimed yet: the period's first */
			assert.equal(await anna.getByLabel('Första dygnet som användes').inputValue(), day(-7));
			await anna.getByLabel('Sista dygnet som användes').fill(day(1));
			await anna.getByLabel(/Fakturanummer/).fill('Faktura 2017');
			await anna.getByRole('button', { name: 'Skicka rekvisition' }).click();
			await anna.locator('.field.has-error').waitFor();
			assert.match(await anna.locator('.field.has-error').innerText(), /inte har passerat/);
			assert.equal(await anna.getByLabel('Sista dygnet som användes').inputValue(), day(1));
		});

		await step('the caseworker claims 7 nights: 7 × (1 320 + 500) kr, and sees what is left', async () => {
			await anna.getByLabel('Sista dygnet som användes').fill(day(-1));
			await anna.getByRole('button', { name: 'Skicka rekvisition' }).click();
			await anna.waitForURL(/\?done=claimed$/);
			const main = text(await anna.locator('main').innerText());
			assert.match(main, /12 740 kr/);
			/* 30 − 7 nights, 54 600 − 12 740 kr */
			assert.match(main, /Kvar att begära: 23 dygn, 41 860 kr/);
			assert.match(text(await anna.locator('td', { hasText: 'Inskickad' }).first().innerText()), /Inskickad/);
			await shot(anna, '08-decision-claimed');
		});

		await step('the decision page links its letter: case code, days, amounts, never identity data', async () => {
			const link = anna.getByRole('link', { name: 'Beslutsbrev (PDF)' });
			const href = await link.getAttribute('href');
			assert.match(href, /^\/api\/v1\/decisions\/\d+\/letter\.pdf\?lang=sv$/);
			const t = text(await letterShot(anna, base + href, '24-letter-granted'));
			assert.match(t, new RegExp(personCode));
			assert.match(t, /Beslut: Reflektionsperiod/);
			assert.match(t, /\(30 dygn\)/);
			assert.match(t, /Barntillägg reflektionsperiod 30 15 000 kr/);
			assert.match(t, /Totalt beviljat 54 600 kr/);
			assert.match(t, /Rekvirera ersättning/);
			assert.doesNotMatch(t, /Testa Personsson|070-000/);   // the identity stays out
		});

		await step('the decision\'s notice reaches the organisation by e-mail with the same letter attached', async () => {
			const found = await mailedLetter(mail, 'decision', (t) => t.includes(personCode) && /Reflektionsperiod/.test(t));
			assert.match(found, /Totalt beviljat 54 600 kr/);
			assert.match(found, /\(30 dygn\)/);
			assert.doesNotMatch(found, /Testa Personsson|070-000/);
			for (const m of mail.messages())
				assert.doesNotMatch(m, /Testa Personsson|070-000/);
		});

		await step('the coordinator chooses e-mail notices on /me and reads the outbox', async () => {
			await coord.goto(base + '/me');
			const form = coord.locator('section#notices');
			await form.getByLabel('Din e-postadress').fill('inte-en-adress');
			await form.getByLabel('Skicka aviseringar till mig').check();
			await form.getByRole('button', { name: 'Spara aviseringsvalet' }).click();
			await coord.locator('section#notices .field.has-error').waitFor();
			assert.equal(await coord.locator('section#notices .field.has-error input').getAttribute('name'), 'email');
			await coord.locator('section#notices').getByLabel('Din e-postadress').fill('samordnare@nsp.example');
			await coord.locator('section#notices').getByRole('button', { name: 'Spara aviseringsvalet' }).click();
			await coord.waitForURL(/\/me\?done=saved/);
			assert.equal(await coord.locator('section#notices').getByLabel('Din e-postadress').inputValue(), 'samordnare@nsp.example');
			assert.ok(await coord.locator('section#notices').getByLabel('Skicka aviseringar till mig').isChecked());
			await coord.getByRole('link', { name: 'Utkorg för e-postaviseringar' }).click();
			const main = text(await coord.locator('main').innerText());
			assert.match(main, /kontakt@orga\.example/);
			assert.match(main, /Skickad/);
			assert.doesNotMatch(main, /Testa Personsson|070-000/);
			await shot(coord, '26-outbox');
		});

		await step('the coordinator approves the claim in the queue; it is paid line by line', async () => {
			await coord.goto(base + '/claims');
			const row = coord.locator('tr', { hasText: 'Faktura 2017' });
			assert.match(text(await row.innerText()), /12 740 kr/);
			assert.match(text(await row.innerText()), /\(7 dygn\)/, 'the nights claimed, with their unit');
			await shot(coord, '08b-claims-queue');
			await row.getByRole('button', { name: 'Godkänn och betala ut' }).click();
			await coord.waitForURL(/\/claims\?done=claim_paid$/);
			await anna.goto(decisionUrl);
			assert.match(text(await anna.locator('main').innerText()), /Utbetald/);
		});

		await step('the approved claim has its letter beside it, and its notice brings the letter by e-mail', async () => {
			const href = await anna.getByRole('link', { name: 'Brev (PDF)', exact: true }).first().getAttribute('href');
			assert.match(href, /^\/api\/v1\/claims\/\d+\/letter\.pdf\?lang=sv$/);
			const t = text(await letterShot(anna, base + href, '24b-letter-claim'));
			/* the days, each line's amount (the supplement its own), the total and the outcome */
			for (const said of [new RegExp(personCode), /Rekvisition: Reflektionsperiod/, /\(7 dygn\)/, /Utbetald/,
				/Barntillägg reflektionsperiod 7 3 500 kr/, /Totalt rekvirerat 12 740 kr/])
				assert.match(t, said);
			assert.doesNotMatch(t, /Testa Personsson|070-000/);
			const mailed = await mailedLetter(mail, 'claim', (x) => x.includes(personCode) && /Rekvisition nr/.test(x));
			assert.match(mailed, /Totalt rekvirerat 12 740 kr/);
			assert.doesNotMatch(mailed, /Testa Personsson|070-000/);
		});

		await step('the report shows the child supplement paid under its own row', async () => {
			await coord.goto(`${base}/reports/${year}`);
			const row = async (code) => text(await coord.locator(`#paid_by_code tr[data-code=${code}]`).innerText());
			assert.match(await row('reflection_child'), /Barntillägg reflektionsperiod\s*3 500 kr/);   /* 7 × 500 kr */
			assert.match(await row('reflection'), /Reflektionsperiod\s*9 240 kr/);                     /* 7 × 1 320 kr */
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
			/* Utbetalt per insats, as in the report: the supplement on its own row */
			const row = async (code) => text(await coord.locator(`#paid_by_code tr[data-code=${code}]`).innerText());
			assert.match(await row('reflection_child'), /Barntillägg reflektionsperiod\s*3 500 kr/);
			assert.match(await row('reflection'), /Reflektionsperiod\s*9 240 kr/);
			await shot(coord, '09-year');
		});

		await step('the caseworker records a contact; a missing field is shown beside it; the identity is kept nowhere', async () => {
			await anna.goto(base + '/contacts');
			await anna.getByLabel('Kvinna', { exact: true }).check();
			await anna.locator('section.panel select[name=region]').selectOption({ label: 'Syd' });
			await anna.getByRole('button', { name: 'Spara kontakten' }).click();
			await anna.locator('.field.has-error').waitFor();
			const err = text(await anna.locator('.field.has-error').innerText());
			assert.match(err, /Stöd som saknades/);
			assert.doesNotMatch(err, /missing_support/);
			assert.equal(await anna.locator('input[name=date]').getAttribute('type'), 'date');
			await anna.getByLabel('Skyddat eller tryggt boende').check();
			await anna.getByLabel('Juridisk rådgivning').check();
			await anna.getByLabel('En offentlig aktör har nekat trots behov').check();
			await anna.getByLabel('Offentlig aktör som nekade').selectOption({ label: 'Migrationsverket' });
			await anna.getByLabel('Skäl som angavs').selectOption({ label: 'Saknar personnummer' });
			await anna.getByLabel('Namn', { exact: true }).fill('Kontakta Exempelsdotter');
			await anna.getByLabel('Födelsedatum').fill('1991-04-05');
			await anna.getByLabel('Födelseland').fill('Rumänien');
			await anna.getByRole('button', { name: 'Spara kontakten' }).click();
			await anna.waitForURL(/\/contacts\?done=saved$/);
			const list = text(await anna.locator('#contacts-list').innerText());
			assert.match(list, /Visar 1–1 av 1/);
			assert.match(list, /Skyddat eller tryggt boende, Juridisk rådgivning/);
			assert.match(list, /Migrationsverket \(Saknar personnummer\)/);
			assert.doesNotMatch(await anna.content(), /Exempelsdotter|1991-04-05|Rumänien/);
			await shot(anna, '27-contacts');
		});

		await step('the coordinator pays an amount on the decision: the split is shown and confirmed first', async () => {
			await coord.goto(decisionUrl);
			const form = coord.locator('section.panel', { hasText: 'Betala ut ett belopp' });
			await form.getByLabel('Belopp (kr)').fill('1 000');
			await form.getByLabel(/Fakturanummer/).fill('Ver 88');
			await form.getByRole('button', { name: 'Visa fördelningen …' }).click();
			/* 1 000 kr over 30 × 1 320 and 30 × 500 kr: 725,27… and 274,72… kr, the öre left to the first line */
			const confirm = coord.locator('section.confirm');
			assert.match(text(await confirm.innerText()), /Utbetalningen av 1 000 kr registreras/);
			assert.match(text(await confirm.locator('tr[data-code=reflection]').innerText()), /725,28 kr/);
			assert.match(text(await confirm.locator('tr[data-code=reflection_child]').innerText()), /274,72 kr/);
			await shot(coord, '09b-payment-confirm');
			await anna.goto(decisionUrl);
			assert.doesNotMatch(text(await anna.locator('main').innerText()), /Ver 88/, 'nothing paid before the confirmation');
			await coord.getByLabel('Jag bekräftar; det kan inte ångras').check();
			await coord.getByRole('button', { name: 'Registrera utbetalningen' }).click();
			await coord.waitForURL(/\/decisions\/\d+\?done=paid$/);
			const main = text(await coord.locator('main').innerText());
			assert.match(main, /Utbetalningen är registrerad/);
			assert.match(main, /Ver 88/);
			/* a caseworker has no such form: organisations claim */
			await anna.goto(decisionUrl);
			assert.equal(await anna.locator('section.panel', { hasText: 'Betala ut ett belopp' }).count(), 0);
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

		await step('another organisation registers the same woman; only the coordinator sees the pair, never her name', async () => {
			await bertil.goto(base + '/persons/new');
			await bertil.getByLabel('Kvinna', { exact: true }).check();
			await bertil.getByLabel('Sexuell exploatering').check();
			/* her names the other way round and in capitals, as another form may have them */
			await bertil.getByLabel('Namn', { exact: true }).fill('PERSONSSON Testa');
			await bertil.getByLabel('Födelsedatum').fill('1990-05-17');
			await bertil.getByLabel('Födelseland').fill('Rumänien');
			await bertil.getByRole('button', { name: 'Registrera' }).click();
			await bertil.waitForURL(/\/persons\/\d+\?done=registered$/);
			const otherCode = text(await bertil.locator('h1.code').innerText());
			assert.equal((await bertil.goto(base + '/duplicates')).status(), 403);
			assert.doesNotMatch(await bertil.content(), new RegExp(personCode));
			await coord.goto(base + '/duplicates');
			const row = coord.locator('tr', { hasText: otherCode });
			const cells = text(await row.innerText());
			assert.ok(cells.includes(personCode), cells);
			assert.match(cells, /samma namn och födelsedatum/);
			assert.match(cells, /inte prövat/);
			assert.doesNotMatch(await coord.locator('main').innerText(), /Testa|Personsson|1990-05-17/);
			await shot(coord, '27-duplicates');
			await row.getByRole('button', { name: 'Samma person' }).click();
			/* confirmation on the server before the pair is linked */
			assert.match(text(await coord.locator('main').innerText()), /samma person\?/);
			await coord.getByLabel('Jag har prövat paret (markeringen kan ändras senare)').check();
			await coord.getByRole('button', { name: 'Samma person' }).click();
			await coord.waitForURL(/\/duplicates\?done=marked$/);
			assert.match(text(await coord.locator('tr', { hasText: otherCode }).innerText()), /samma person/);
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

		await step('the funder sees the annual report and nothing else', async () => {
			await env.api.call('POST', '/api/v1/users', { username: 'finansiar', password: env.password, role: 'funder' });
			const funder = watch(await (await open()).newPage(), 'funder');
			await login(funder, base, 'finansiar', env.password);
			assert.match(funder.url(), new RegExp(`/reports/${year}$`));
			assert.match(text(await funder.locator('main').innerText()), /54 600 kr/);
			/* domain.md §8: the funder sees what remains of the year's budget, as the coordinator does */
			assert.equal(text(await funder.locator('[data-figure=remaining_ore] .value').innerText()), '3 445 400 kr');
			/* the report, and capacity per month only (issue 16): no day, no organisation */
			assert.equal(await funder.locator('header.site nav a').count(), 2);
			await funder.goto(base + '/capacity');
			assert.match(text(await funder.locator('main').innerText()), /Personer i boende per månad/);
			assert.equal(await funder.locator('input[name=date]').count(), 0);
			assert.doesNotMatch(await funder.locator('main').innerText(), /Skyddade Boendet Syd/);
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

		await step('a coordinator resets a caseworker\'s second factor on the users page; her session ends', async () => {
			await coord.goto(base + '/users');
			const row = coord.locator('tr', { hasText: 'bertil' });
			assert.match(text(await row.innerText()), /Inställd/);
			await row.getByRole('button', { name: 'Återställ tvåsteg' }).click();
			/* what cannot be undone is confirmed first, on a page of its own; until then nothing happens */
			assert.match(text(await coord.locator('section.confirm').innerText()), /Återställa tvåstegsverifieringen för bertil\?/);
			await bertil.goto(base + '/persons');
			assert.match(bertil.url(), /\/persons$/, 'not reset before the confirmation');
			await coord.getByRole('button', { name: 'Återställ tvåsteg' }).click();   /* the box unchecked: refused */
			assert.equal(await coord.locator('section.confirm').count(), 1);
			await coord.getByLabel('Jag bekräftar; det kan inte ångras').check();
			await shot(coord, '26-confirm');
			await coord.getByRole('button', { name: 'Återställ tvåsteg' }).click();
			await coord.waitForURL(/\/users\?done=totp_reset$/);
			assert.match(text(await coord.locator('tr', { hasText: 'bertil' }).innerText()), /Saknas/);
			await bertil.goto(base + '/persons');
			assert.match(bertil.url(), /\/login$/);
			await login(bertil, base, 'bertil', env.password); /* enrols anew */
			await bertil.goto(base + '/persons');
			assert.match(bertil.url(), /\/persons$/);
		});

		/* ---- organisations: certification, places, follow-up, requests, case support, four-eyes ---- */
		await step('the coordinator records the places of an organisation; the region map shows what is free', async () => {
			await coord.goto(base + '/organisations');
			await coord.getByRole('link', { name: 'Skyddade Boendet Syd' }).click();
			await coord.locator('input[name="places.Syd.women"]').fill('2');
			await coord.locator('input[name="places.Syd.families"]').fill('1');
			await coord.getByRole('button', { name: 'Spara platserna' }).click();
			await coord.waitForURL(/\/organisations\/\d+\?done=saved#places$/);
			const places = text(await coord.locator('section#places table').innerText());
			assert.match(places, /Syd Kvinnor 2 0 2/);
			/* the family granted a reflection period is housed today in the family place its application named */
			assert.match(places, /Syd Familjer 1 1 0/);
			await coord.goto(base + '/capacity');
			const tile = coord.locator('figure.region-map g[data-region="Syd"]');
			assert.equal(await tile.locator('rect').getAttribute('class'), 'region r-room');
			assert.match(text(await tile.textContent()), /2 lediga av 3/);
			assert.equal(await coord.locator('figure.region-map g[data-region="Nord"] rect').getAttribute('class'), 'region r-none');
			assert.match(text(await coord.locator('tr[data-region="Syd"]').innerText()), /^Syd 2 av 2 lediga – 0 av 1 lediga 2 av 3 lediga$/);
			assert.match(text(await coord.locator('figure.region-map g[data-region="Nord"]').textContent()), /Inga platser/);
			/* every housed person's place is known: no one is counted without a region */
			assert.equal(await coord.locator('main p.warning').count(), 0);
			await shot(coord, '19-capacity');
			await anna.goto(base + '/capacity');
			assert.match(text(await anna.locator('main .lead').innerText()), /Din organisations platser/);
			assert.doesNotMatch(await anna.locator('main').innerText(), /Tryggt Hem Nord/);
		});

		await step('R13/R15: a woman with one child applies for admission and a reflection period in one form; the coordinator decides both in one act', async () => {
			const orgA = env.orgA.id;
			const mother = await env.api.call('POST', '/api/v1/persons', { gender: 'female', age_group: 'adult', organisation_id: orgA, sweden_responsible: true });
			const child = await env.api.call('POST', '/api/v1/persons', { gender: 'male', age_group: 'child', parent_id: mother.id, child_role: 'secondary', organisation_id: orgA });
			await anna.goto(`${base}/persons/${mother.id}`);
			await anna.getByRole('link', { name: 'Ansök om tillträde och reflektionsperiod' }).click();
			await anna.getByLabel('Organisationen har identifierat personen som brottsoffer').check();
			await anna.getByLabel(/Individuell behovsbedömning/).fill('Behöver skyddat boende med sitt barn.');
			/* from tomorrow: today's occupancy, checked by the steps after this one, stays as it is */
			await anna.getByLabel(/Från och med/).fill(day(1));
			await anna.getByLabel(/Till och med/).fill(day(10));
			await anna.locator(`input[name=children][value="${child.id}"]`).check();
			await anna.getByLabel('Polisregion för boendeplatsen').selectOption({ label: 'Syd' });
			await anna.getByLabel('Ingen offentlig aktör är tydligt ansvarig').check();
			await shot(anna, '24-apply-admission-reflection');
			await anna.getByRole('button', { name: 'Skicka ansökan' }).click();
			await anna.waitForURL(/\/applications\/\d+\?done=applied$/);
			const admissionUrl = anna.url().replace(/\?.*$/, '');
			const apps = (await env.api.call('GET', `/api/v1/applications?person_id=${mother.id}`)).applications;
			assert.deepEqual(apps.map((a) => [a.type, a.status]), [['admission', 'submitted'], ['reflection', 'submitted']]);
			assert.equal(apps[1].target_group, 'families');
			await coord.goto(admissionUrl);
			const waiting = text(await coord.locator('section#waiting').innerText());
			assert.match(waiting, /Reflektionsperiod/);
			assert.ok(await coord.locator('input[name=together]').isChecked(), 'the waiting period is decided together by default');
			await coord.getByLabel('Beviljad', { exact: true }).check();
			await coord.getByRole('button', { name: 'Besluta tillträde och markerade ansökningar' }).click();
			/* the family place in Syd is taken (R15): refused with the place named, nothing decided */
			await coord.locator('.error-summary').waitFor();
			assert.match(await coord.locator('.error-summary').innerText(), /R15: platserna för familjer i Syd är fulla/);
			const still = await env.api.call('GET', `/api/v1/applications/${apps[0].id}`);
			assert.equal(still.status, 'submitted', 'both or neither: the admission is not decided either');
			await coord.getByLabel('Skäl att gå över kapaciteten (R15)').fill('Boendet har ordnat ett extra familjerum.');
			await shot(coord, '25-decide-together');
			await coord.getByRole('button', { name: 'Besluta tillträde och markerade ansökningar' }).click();
			await coord.waitForURL(/\/queue\?done=decided$/);
			const adm = await env.api.call('GET', `/api/v1/applications/${apps[0].id}`);
			const refl = await env.api.call('GET', `/api/v1/applications/${apps[1].id}`);
			assert.equal(adm.decision.outcome, 'granted');
			assert.equal(refl.decision.outcome, 'granted');
			assert.equal(refl.decision.decided_on, adm.decision.decided_on);
			assert.equal(refl.decision.over_capacity_reason, 'Boendet har ordnat ett extra familjerum.');
			await coord.goto(`${base}/applications/${apps[1].id}`);
			assert.match(text(await coord.locator('main').innerText()), /Boendet har ordnat ett extra familjerum/);
		});

		await step('the organisations page shows certification, recertification and who is housed today', async () => {
			await coord.goto(base + '/organisations');
			const row = text(await coord.locator('tr', { hasText: 'Skyddade Boendet Syd' }).innerText());
			assert.match(row, new RegExp(`Certifierad ${year}-01-01 ${year + 3}-01-01`));
			assert.match(row, /1 av 3 platser upptagna/);
			assert.match(text(await coord.locator('section#due').innerText()), /Ingen organisation ska återcertifieras/);
		});

		await step('a certification follows the state machine and the checklist, with the reason beside the field', async () => {
			await coord.goto(base + '/organisations');
			await coord.getByRole('link', { name: 'Tryggt Hem Nord' }).click();
			const orgUrl = coord.url();
			await coord.getByLabel('Status').selectOption({ label: 'Pågående certifieringsprocess' });
			await coord.getByRole('button', { name: 'Spara', exact: true }).click();
			await coord.locator('.field.has-error').waitFor();
			assert.match(await coord.locator('.field.has-error').innerText(), /från certifierad till pågående certifieringsprocess/);
			assert.equal(await coord.locator('.field.has-error select').getAttribute('name'), 'status');
			await coord.getByLabel('Status').selectOption({ label: 'Certifierad' });
			await coord.getByLabel('Säkerhetsrutiner').check();
			await coord.getByRole('button', { name: 'Spara', exact: true }).click();
			await coord.locator('.field.has-error').waitFor();
			assert.match(await coord.locator('.field.has-error').innerText(), /minimikravet ”Kunskap om människohandel och om brottsoffrens behov och rättigheter” är inte uppfyllt/);
			assert.ok(await coord.getByLabel('Säkerhetsrutiner').isChecked(), 'what was ticked is kept');
			for (const box of await coord.locator('input[name=requirements]').all())
				await box.check();
			await coord.getByRole('button', { name: 'Spara', exact: true }).click();
			await coord.waitForURL(/\?done=saved$/);
			const history = coord.locator('main table').first();
			assert.equal(await history.locator('tbody tr').count(), 3);
			assert.match(text(await history.locator('tbody tr').last().innerText()), /Certifierad Uppfyllt Kunskap om människohandel/);
			await shot(coord, '20-organisation');
			assert.equal(coord.url().replace(/\?.*$/, ''), orgUrl);
		});

		await step('a new minimum requirement is added to this year\'s checklist without code', async () => {
			await coord.goto(base + '/certification');
			/* No key typed: the server makes one from the English text. */
			await coord.getByLabel('Kravet på svenska').fill('Rutiner för barn som placeras med en förälder');
			await coord.getByLabel('Kravet på engelska').fill('Routines for children placed with a parent');
			await coord.getByRole('button', { name: 'Lägg till kravet' }).click();
			await coord.waitForURL(/\/certification\?year=\d+&done=saved#checklist$/);
			const keys = await coord.locator('section#checklist input[name=key][type=hidden]').evaluateAll((els) => els.map((e) => e.value));
			assert.ok(keys.includes('routines_for_children_placed_with_a_parent'), keys.join());
			assert.match(text(await coord.locator('section#checklist table').innerText()), /Rutiner för barn som placeras med en förälder Ja/);
			assert.doesNotMatch(text(await coord.locator('section#checklist').innerText()), /routines_for_children|knowledge_of_trafficking/, 'labels, not keys');
			await shot(coord, '21-certification');
			await coord.goto(base + '/organisations');
			await coord.getByRole('link', { name: 'Tryggt Hem Nord' }).click();
			assert.ok(await coord.getByLabel('Rutiner för barn som placeras med en förälder').isVisible());
		});

		await step('site visits, surveys and network meetings are recorded against the organisations', async () => {
			await coord.goto(base + '/follow-ups');
			await coord.getByLabel('Nätverksträff').check();
			await coord.getByLabel('Skyddade Boendet Syd').check();
			await coord.getByLabel('Tryggt Hem Nord').check();
			await coord.getByLabel('Anteckningar').fill('Vårens nätverksträff om hot- och riskbedömning.');
			await coord.getByRole('button', { name: 'Registrera' }).click();
			await coord.waitForURL(/\/follow-ups\?done=saved$/);
			const row = text(await coord.locator('main table tbody tr').first().innerText());
			assert.match(row, /Nätverksträff Skyddade Boendet Syd, Tryggt Hem Nord Vårens nätverksträff/);
			await shot(coord, '22-follow-ups');
		});

		await step('a request without a place is counted in its month, region and target group', async () => {
			await coord.goto(base + '/placements');
			await coord.getByLabel('Polisregion').selectOption({ label: 'Syd' });
			await coord.getByLabel('Män', { exact: true }).check();
			await coord.getByLabel('Ingen plats fanns').check();
			await coord.getByRole('button', { name: 'Registrera' }).click();
			await coord.waitForURL(/\/placements\?done=saved$/);
			const row = coord.locator('table.unmet tbody tr', { hasText: 'Män' });
			assert.equal(await row.locator('td.unmet').count(), 1);
			assert.match(text(await row.innerText()), /^Syd Män .* 1 av 1$/);
		});

		await step('consultations are counted; an identity number is refused beside the field', async () => {
			await coord.goto(base + '/consultations');
			await coord.getByLabel('Vem frågade').selectOption({ label: 'Socialtjänsten' });
			await coord.locator('select[name=region]').selectOption({ label: 'Syd' });
			await coord.getByLabel('Ämne').fill('Gäller 811218-9876');
			await coord.getByLabel('Minuter').fill('20');
			await coord.getByRole('button', { name: 'Registrera' }).click();
			await coord.locator('.field.has-error').waitFor();
			assert.equal(await coord.locator('.field.has-error input').getAttribute('name'), 'topic');
			await coord.getByLabel('Ämne').fill('Boende för man');
			await coord.getByRole('button', { name: 'Registrera' }).click();
			await coord.waitForURL(/\/consultations\?done=saved$/);
			const counts = text(await coord.locator('section#counts').innerText());
			assert.match(counts, new RegExp(`${year}: 1 konsultationer, 20 minuter`));
			assert.match(counts, /Boende för man 1/);
			assert.doesNotMatch(await coord.locator('main').innerText(), /811218/);
		});

		await step('four-eyes: above the year\'s threshold a decision waits for a second coordinator', async () => {
			// the second coordinator first: while a threshold is set, a new one is itself a proposal
			await env.api.call('POST', '/api/v1/users', { username: 'cecilia', password: env.coordPassword, role: 'coordinator' });
			await coord.goto(`${base}/years/${year}`);
			await coord.getByLabel('Gräns för fyra ögon').fill('10 000');
			await coord.getByRole('button', { name: 'Spara', exact: true }).click();
			await coord.waitForURL(/\?done=saved$/);
			const orgA = env.orgA.id;
			const p = await env.api.call('POST', '/api/v1/persons', { gender: 'male', age_group: 'adult', organisation_id: orgA, sweden_responsible: true });
			const basis = { kind: 'no_designated_actor' };
			const adm = await env.api.call('POST', '/api/v1/applications', { person_id: p.id, type: 'admission', basis, identified: true, needs_assessment: 'Behöver skyddat boende.' });
			await env.api.call('POST', `/api/v1/applications/${adm.id}/decision`, { outcome: 'granted' });
			const refl = await env.api.call('POST', '/api/v1/applications', { person_id: p.id, type: 'reflection', basis, from: day(0), to: day(9), region: 'Syd' });
			await coord.goto(`${base}/applications/${refl.id}`);
			await coord.getByLabel('Beviljad', { exact: true }).check();
			await coord.getByRole('button', { name: 'Fatta beslut' }).click();
			await coord.waitForURL(/\?done=proposed$/);
			assert.match(text(await coord.locator('section.proposal').innerText()), /13 200 kr/);
			assert.equal(await coord.getByRole('button', { name: 'Godkänn beslutet' }).count(), 0, 'not for the proposer');
			assert.ok(await coord.getByRole('button', { name: 'Dra tillbaka beslutet' }).isVisible());
			await coord.goto(base + '/queue');
			assert.match(text(await coord.locator('main').innerText()), /väntar på godkännande/);
			const second = watch(await (await open()).newPage(), 'cecilia');
			await login(second, base, 'cecilia', env.coordPassword);
			await second.goto(`${base}/applications/${refl.id}`);
			await shot(second, '23-four-eyes');
			await second.getByRole('button', { name: 'Godkänn beslutet' }).click();
			await second.waitForURL(/\?done=approved$/);
			assert.match(text(await second.locator('main').innerText()), /Godkänt av en andra samordnare Ja/);
			const capacity = await env.api.call('GET', `/api/v1/organisations/${orgA}/capacity`);
			assert.deepEqual(capacity.places.find((r) => r.region === 'Syd' && r.target_group === 'men'),
				{ region: 'Syd', target_group: 'men', places: 0, occupied: 1, available: 0, over: 1 });
		});

		await step('the letter of a four-eyes decision names who approved it (in English on request)', async () => {
			const all = (await env.api.call('GET', '/api/v1/decisions')).decisions;
			const dec = all[all.length - 1];
			assert.equal(dec.approved_by !== null, true);
			const t = text(await letterShot(coord, `${base}/api/v1/decisions/${dec.id}/letter.pdf?lang=en`,
				'25-letter-four-eyes-en'));
			assert.match(t, /Decision: Reflection period/);
			assert.match(t, /Approved by \(four eyes\) cecilia/);
			assert.match(t, /Total granted 13 200 kr/);
		});

		await step('R2e: the coordinator follows up an emergency decision until the responsible actor is clear', async () => {
			const basis = { kind: 'no_designated_actor' };
			const p = await env.api.call('POST', '/api/v1/persons', { gender: 'female', age_group: 'adult', organisation_id: env.orgA.id, sweden_responsible: true });
			const adm = await env.api.call('POST', '/api/v1/applications', { person_id: p.id, type: 'admission', basis, identified: true, needs_assessment: 'Akut behov av skydd.' });
			await env.api.call('POST', `/api/v1/applications/${adm.id}/decision`, { outcome: 'granted' });
			const refl = await env.api.call('POST', '/api/v1/applications', { person_id: p.id, type: 'reflection', basis, from: day(0), to: day(4), region: 'Syd' });
			const dec = await env.api.call('POST', `/api/v1/applications/${refl.id}/decision`, { outcome: 'granted', emergency: true });
			await coord.goto(base + '/decisions');
			await coord.getByRole('link', { name: 'Akuta att följa upp (R2e)' }).click();
			assert.match(coord.url(), /\/decisions\?emergency=open$/);
			assert.equal(await coord.locator('main tbody tr').count(), 1);
			await coord.locator('main tbody tr a').first().click();
			assert.match(text(await coord.locator('dl.facts').innerText()), /ansvaret är inte klarlagt/);
			const form = coord.locator('section#emergency');
			/* a day before the decision is refused beside the field; the note typed is kept */
			await form.getByLabel('Klarlagt den').fill(day(-1));
			await form.getByLabel('Vem som visade sig ansvara').fill('Socialtjänsten i Malmö');
			await form.getByRole('button', { name: 'Registrera' }).click();
			await coord.locator('.field.has-error').waitFor();
			assert.equal(await coord.locator('.field.has-error input').getAttribute('name'), 'date');
			assert.equal(await coord.locator('section#emergency').getByLabel('Vem som visade sig ansvara').inputValue(), 'Socialtjänsten i Malmö');
			await coord.locator('section#emergency').getByLabel('Klarlagt den').fill(day(0));
			await coord.locator('section#emergency').getByRole('button', { name: 'Registrera' }).click();
			await coord.waitForURL(new RegExp(`/decisions/${dec.id}\\?done=emergency_cleared$`));
			assert.match(text(await coord.locator('dl.facts').innerText()), new RegExp(`ansvaret klarlagt den ${day(0)}`));
			assert.equal(await coord.locator('section#emergency').count(), 0);
			await coord.goto(base + '/decisions?emergency=open');
			assert.match(text(await coord.locator('main').innerText()), /Inga akuta beslut väntar på uppföljning/);
		});

		await step('no main page scrolls sideways at 1366 and 1280 px in either language; the menu stays on one line with every item in sight; a compact phone header', async () => {
			const person = new URL(personUrl).pathname;
			const pages = {
				samordnare: ['/', '/queue', '/applications', '/persons', '/persons/new', '/decisions', '/claims',
					`/years/${day(0).slice(0, 4)}`, '/organisations', '/certification', '/follow-ups', '/capacity',
					'/placements', '/consultations', '/contacts', '/duplicates', '/users', '/outbox', '/report', '/me',
					'/no-such-page',
					new URL(reflectionApp).pathname, new URL(decisionUrl).pathname, person],
				anna: ['/', '/persons', '/persons/new', person, `${person}/apply?type=extended`, '/applications',
					new URL(reflectionApp).pathname, '/decisions', new URL(decisionUrl).pathname, '/claims',
					'/capacity', '/placements', '/contacts', '/me', '/no-such-page'],
			};
			const slug = (p) => p.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '') || 'start';
			const setLang = async (page, lang) => {
				await page.goto(base + '/');
				if (await page.getAttribute('html', 'lang') !== lang) {
					await page.getByRole('button', { name: lang === 'en' ? 'English' : 'Svenska' }).click();
					await page.waitForLoadState();
				}
				assert.equal(await page.getAttribute('html', 'lang'), lang);
			};
			const measure = (page) => page.evaluate(() => {
				const items = [...document.querySelectorAll('header.site nav li')];
				return {
					width: document.documentElement.scrollWidth,
					menuLines: new Set(items.map((li) => Math.round(li.getBoundingClientRect().top))).size,
					menuItems: items.length,
					/* every item in sight: the menu does not need its sideways scroll */
					menuHidden: (() => { const ul = document.querySelector('header.site nav ul');
						return ul ? ul.scrollWidth - ul.clientWidth : 0; })(),
					header: document.querySelector('header.site').getBoundingClientRect().height,
				};
			});
			for (const [who, page] of [['samordnare', coord], ['anna', anna]]) {
				for (const lang of ['sv', 'en']) {
					await setLang(page, lang);
					for (const width of [1366, 1280]) {
						await page.setViewportSize({ width, height: 768 });
						for (const p of pages[who]) {
							await page.goto(base + p);
							const m = await measure(page);
							/* every page keeps the header and the menu, the 404 page too */
							assert.ok(m.menuItems > 2, `${who}, ${lang}, ${p}: no menu`);
							assert.ok(m.width <= width, `${who}, ${lang}, ${p} at ${width} px: the page is ${m.width} px wide`);
							assert.equal(m.menuLines, 1, `${who}, ${lang}, ${p} at ${width} px: the menu wraps`);
							assert.ok(m.menuHidden <= 1, `${who}, ${lang}, ${p} at ${width} px: ${m.menuHidden} px of the menu are out of sight`);
							if (width === 1366)
								await shot(page, `w1366-${lang}-${who}-${slug(p)}`);
						}
					}
					await page.setViewportSize({ width: 390, height: 844 });
					for (const p of pages[who]) {
						await page.goto(base + p);
						const m = await measure(page);
						assert.ok(m.width <= 390, `${who}, ${lang}, ${p} at 390 px: the page is ${m.width} px wide`);
						assert.ok(m.header <= 160, `${who}, ${lang}, ${p} at 390 px: the header takes ${m.header} of 844 px`);
						if (p === '/decisions') /* a wide table scrolls in its own box and shows it */
							assert.match(await page.locator('main .table-wrap').first().getAttribute('class'), /\bscrolls\b/);
						await shot(page, `w390-${lang}-${who}-${slug(p)}`);
					}
				}
				await setLang(page, 'sv');
				await page.setViewportSize({ width: 1280, height: 900 });
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
			assert.doesNotMatch(server.stderr(), /i18n: missing/, (server.stderr().match(/.*i18n: missing.*/g) || []).join('\n'));
		});
	} finally {
		for (const b of browsers)
			await b.close().catch(() => {});
		const code = await server.stop();
		mail.stop();
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
