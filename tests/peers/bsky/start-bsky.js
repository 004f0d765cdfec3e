// Start a local atproto network with @atproto/dev-env 0.3.215 (Node 20), bound to 127.0.0.1.
//   MODE=pds  (default): PLC + PDS only, no external services.
//   MODE=full          : PLC + PDS + AppView + Ozone; needs DB_POSTGRES_URL (REDIS_HOST only has to be set).
// Env: PLC_PORT=2582 PDS_PORT=2583 BSKY_PORT=2584 OZONE_PORT=2587 RATE_LIMITS=1 STATE_FILE=...
// Prints one line "READY {json}" and writes the same JSON to STATE_FILE. SIGTERM/SIGINT stop it.
// Adapted from /work/shared/PEERS.md (feasibility study).
const fs = require('node:fs')
const net = require('node:net')

// dev-env calls server.listen(port) with no host => binds every interface. Force loopback.
const origListen = net.Server.prototype.listen
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number' && (args.length === 1 || typeof args[1] === 'function')) args.splice(1, 0, '127.0.0.1')
  else if (args[0] && typeof args[0] === 'object' && args[0].port !== undefined && !args[0].host) args[0] = { ...args[0], host: '127.0.0.1' }
  return origListen.apply(this, args)
}

const { TestNetwork, TestNetworkNoAppView } = require('@atproto/dev-env')
const MODE = process.env.MODE || 'pds'
const port = (k, d) => Number(process.env[k] || d)
const STATE = process.env.STATE_FILE || 'bsky-state.json'
const t0 = Date.now()

async function main() {
  const pds = { port: port('PDS_PORT', 2583), hostname: 'localhost', rateLimitsEnabled: process.env.RATE_LIMITS === '1' }
  const plc = { port: port('PLC_PORT', 2582) }
  const network = MODE === 'full'
    ? await TestNetwork.create({
        dbPostgresSchema: process.env.DB_POSTGRES_SCHEMA || 'peers_' + Date.now().toString(26).replace(/[0-9]/g, (d) => 'qrstuvwxyz'[d]),
        plc, pds,
        bsky: { port: port('BSKY_PORT', 2584), publicUrl: `http://localhost:${port('BSKY_PORT', 2584)}` },
        ozone: { port: port('OZONE_PORT', 2587) },
      })
    : await TestNetworkNoAppView.create({ plc, pds })
  const tNet = Date.now()
  const accounts = []
  for (const name of ['alice', 'bob', 'carol']) {
    const res = await fetch(`${network.pds.url}/xrpc/com.atproto.server.createAccount`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ handle: `${name}.test`, email: `${name}@example.com`, password: `${name}-pass` }),
    })
    if (!res.ok) throw new Error(`createAccount ${name}: ${res.status} ${await res.text()}`)
    accounts.push({ handle: `${name}.test`, did: (await res.json()).did, password: `${name}-pass` })
  }
  await network.processAll()
  const state = {
    mode: MODE, plcUrl: network.plc.url, pdsUrl: network.pds.url,
    appviewUrl: network.bsky ? network.bsky.url : null, ozoneUrl: network.ozone ? network.ozone.url : null,
    accounts, startupMs: tNet - t0, accountsMs: Date.now() - tNet, pid: process.pid,
  }
  fs.writeFileSync(STATE + '.tmp', JSON.stringify(state, null, 2))
  fs.renameSync(STATE + '.tmp', STATE)
  console.log('READY ' + JSON.stringify(state))
  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    try { await network.close() } finally { process.exit(0) }
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}
main().catch((err) => { console.error(err); process.exit(1) })
