'use strict';
/*
 * Helpers of the browser test: start the real `nsp serve` on a fresh
 * temporary database and port, speak the JSON API to set up what the test
 * needs (with fetch, no curl), and launch Debian's chromium through
 * playwright-core with a fresh profile per user.
 */
const { spawn, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const COORD_PASSWORD = 'samordnare-lösen-1';
const CHROMIUM = process.env.NSP_CHROMIUM || '/usr/bin/chromium';

/* scripts/check-dates runs the suite on other days: NSP_TEST_FAKETIME is libfaketime's offset
 * ("+N" seconds) for the nsp processes started here, and clock() adds the same N to the
 * test's own time (Node and Chromium themselves run on the real clock). */
const FAKETIME = process.env.NSP_TEST_FAKETIME || '';
const clock = () => Date.now() + (FAKETIME ? Number(FAKETIME) * 1000 : 0);
function nspEnv(env) {
	if (!FAKETIME)
		return env;
	return { ...env, LD_PRELOAD: process.env.NSP_TEST_FAKETIME_LIB, FAKETIME };
}
const CHROMIUM_ARGS = [
	'--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	'--disable-background-networking', '--disable-component-update', '--disable-sync',
	/* Swedish users: native date fields read yyyy-mm-dd, as the pages write dates. */
	'--lang=sv-SE',
];

/*
 * A real SMTP server for the e-mail notices (issue 17): Debian's aiosmtpd on a
 * free port, keeping each message it accepts as a file of a Maildir. Resolves
 * to {port, messages() (the raw messages so far), stop()}.
 */
async function startMailServer() {
	const net = require('node:net');
	const port = await new Promise((resolve) => {
		const srv = net.createServer().listen(0, '127.0.0.1', () => {
			const p = srv.address().port;
			srv.close(() => resolve(p));
		});
	});
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nsp-mail-'));
	const maildir = path.join(dir, 'mail');
	const python = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
	const proc = spawn(python, ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`, '-c', 'aiosmtpd.handlers.Mailbox',
		maildir], { stdio: 'ignore' });
	/* Listening once a connection is accepted. */
	for (let i = 0; i < 200; i++) {
		const up = await new Promise((resolve) => {
			const so = net.connect(port, '127.0.0.1', () => { so.destroy(); resolve(true); });
			so.on('error', () => resolve(false));
		});
		if (up)
			break;
		await new Promise((r) => setTimeout(r, 50));
	}
	return {
		port,
		messages: () => {
			const out = [];
			for (const sub of ['new', 'cur']) {
				const d = path.join(maildir, sub);
				if (fs.existsSync(d))
					for (const f of fs.readdirSync(d))
						out.push(fs.readFileSync(path.join(d, f), 'utf8'));
			}
			return out;
		},
		stop: () => {
			proc.kill();
			fs.rmSync(dir, { recursive: true, force: true });
		},
	};
}

/* Starts `nsp serve` on a new database (extra: more arguments of serve); resolves to {base, stop, stderr()}. */
async function startServer(nsp, extra = []) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nsp-browser-'));
	const db = path.join(dir, 'test.db');
	const env = nspEnv({ ...process.env, NSP_PASSWORD: COORD_PASSWORD });
	const init = spawnSync(nsp, ['init', '--db', db, '--coordinator', 'samordnare'], { env });
	if (init.status !== 0)
		throw new Error('nsp init failed: ' + init.stderr.toString());
	const proc = spawn(nsp, ['serve', '--db', db, '--listen', '127.0.0.1:0', ...extra], { env });
	let stderr = '';
	proc.stderr.on('data', (d) => { stderr += d.toString(); });
	const base = await new Promise((resolve, reject) => {
		let out = '';
		const timer = setTimeout(() => reject(new Error('nsp serve did not start: ' + stderr)), 20000);
		proc.stdout.on('data', (d) => {
			out += d.toString();
			const m = out.match(/http:\/\/127\.0\.0\.1:(\d+)/);
			if (m) {
				clearTimeout(timer);
				resolve(`http://127.0.0.1:${m[1]}`);
			}
		});
		proc.on('exit', (code) => reject(new Error(`nsp serve exited with ${code}: ${stderr}`)));
	});
	return {
		base,
		stderr: () => stderr,
		stop: () => new Promise((resolve) => {
			if (proc.exitCode !== null)
				return resolve(proc.exitCode);
			proc.on('exit', (code) => {
				fs.rmSync(dir, { recursive: true, force: true });
				resolve(code);
			});
			proc.kill('SIGTERM');
		}),
	};
}

/* The 6-digit TOTP code (RFC 6238: HMAC-SHA1, 30 s steps) of a base32 secret at a time step. */
function totp(secretB32, step) {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
	let bits = '';
	for (const ch of secretB32.replace(/=+$/, ''))
		bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
	const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
	const msg = Buffer.alloc(8);
	msg.writeBigUInt64BE(BigInt(step));
	const mac = crypto.createHmac('sha1', key).update(msg).digest();
	const off = mac[mac.length - 1] & 0x0f;
	return String((mac.readUInt32BE(off) & 0x7fffffff) % 1000000).padStart(6, '0');
}

/*
 * What a user's phone knows: the secret, and the last time step whose code
 * was used (nsp accepts each step's code once). A code comes from the steps
 * the server accepts (now-1 .. now+1); when all are used, it waits for the next.
 */
class Authenticator {
	constructor(secret) { this.secret = secret; this.last = -1; }

	async code() {
		for (;;) {
			const t = clock() / 1000, now = Math.floor(t / 30);
			for (const step of [now - 1, now, now + 1]) {
				if (step > this.last && (step >= now || t % 30 < 20)) {
					this.last = step;
					return totp(this.secret, step);
				}
			}
			await new Promise((r) => setTimeout(r, (30 - (t % 30)) * 1000 + 50));
		}
	}
}

/* The second factors enrolled during the test, by username. */
const phones = new Map();

/* A logged-in API client (Bearer token). */
class Api {
	constructor(base) { this.base = base; this.token = null; }

	async call(method, url, body) {
		const headers = { 'Content-Type': 'application/json' };
		if (this.token)
			headers.Authorization = `Bearer ${this.token}`;
		const r = await fetch(this.base + url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
		const text = await r.text();
		const json = text ? JSON.parse(text) : null;
		if (r.status >= 400)
			throw new Error(`${method} ${url}: ${r.status} ${text}`);
		return json;
	}

	/* Logs in; a coordinator or caseworker without a second factor enrols one first
	 * (nsp requires it), one with a second factor answers the code step. */
	async login(username, password) {
		this.token = null;
		let out = await this.call('POST', '/api/v1/login', { username, password });
		if (out.second_factor_required) {
			out = await this.call('POST', '/api/v1/login/totp', { challenge: out.challenge, code: await phones.get(username).code() });
		} else if (out.user.role !== 'funder') {
			this.token = out.token;
			const start = await this.call('POST', '/api/v1/me/totp');
			const phone = new Authenticator(start.secret);
			await this.call('POST', '/api/v1/me/totp/confirm', { code: await phone.code() });
			phones.set(username, phone);
		}
		this.token = out.token;
		return out.user;
	}
}

/*
 * What the test needs before anyone opens a page: two certified
 * organisations, a caseworker in each, a budget for this year.
 */
async function setUp(base, year) {
	const api = new Api(base);
	await api.login('samordnare', COORD_PASSWORD);
	/* Anna's organisation is a member of the platform: it records contacts (issue 19). */
	const a = await api.call('POST', '/api/v1/organisations', { name: 'Skyddade Boendet Syd', kind: 'protected_housing', regions: ['Syd', 'Väst'], member: true });
	const b = await api.call('POST', '/api/v1/organisations', { name: 'Tryggt Hem Nord', kind: 'safe_housing', regions: ['Nord'] });
	/* A certification process first, then certified with every minimum requirement met (domain/certification.h). */
	const met = { knowledge_of_trafficking: true, threat_and_risk_routines: true, security_routines: true, support_matches_rights: true };
	for (const org of [a, b]) {
		await api.call('POST', `/api/v1/organisations/${org.id}/certification`, { status: 'in_process', date: `${year}-01-01` });
		await api.call('POST', `/api/v1/organisations/${org.id}/certification`, { status: 'certified', date: `${year}-01-01`, requirements: met });
	}
	const password = 'handläggare-lösen-1';
	await api.call('POST', '/api/v1/users', { username: 'anna', password, role: 'caseworker', organisation_id: a.id });
	await api.call('POST', '/api/v1/users', { username: 'bertil', password, role: 'caseworker', organisation_id: b.id });
	await api.call('PUT', `/api/v1/years/${year}`, { budget_ore: 350000000 });
	return { orgA: a, orgB: b, password, coordPassword: COORD_PASSWORD, api };
}

/* A browser of its own (fresh --user-data-dir) for one user; closes with .close(). */
async function launch(chromium, viewport) {
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'nsp-chromium-'));
	const ctx = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM,
		args: CHROMIUM_ARGS,
		headless: true,
		locale: 'sv-SE',
		viewport: viewport || { width: 1280, height: 900 },
	});
	const close = ctx.close.bind(ctx);
	ctx.close = async () => {
		await close();
		fs.rmSync(profile, { recursive: true, force: true });
	};
	return ctx;
}

module.exports = { startServer, startMailServer, setUp, launch, Api, Authenticator, phones, totp, clock };
