/* eslint-disable */
// @ts-nocheck
// Generated from manifest-schema/schema/gpuaas-app.schema.json by `npm run codegen` (ajv 8.20.0
// standalone code, options of ../ajv.ts). Do not edit.
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
export const validate = validate0;
export default validate0;
const schema0 = {"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"https://schemas.gpuaas.dev/app/v1alpha1/gpuaas-app.schema.json","title":"GPUaaS app manifest (gpuaas-app.yaml)","description":"Describes an app that runs on the GPUaaS platform — who publishes it, what runs, the GPU profile it needs, its endpoints, launch parameters, lifecycle hooks, health probes, billing and permissions.","type":"object","additionalProperties":false,"required":["apiVersion","name","version","publisher","run","resources"],"properties":{"$schema":{"type":"string","description":"Optional URL of this JSON Schema, for editors that do not read the yaml-language-server modeline.","examples":["https://schemas.gpuaas.dev/app/v1alpha1/gpuaas-app.schema.json"]},"apiVersion":{"const":"gpuaas.dev/v1alpha1","description":"Version of the manifest format. Tools refuse versions they do not know rather than guess.","examples":["gpuaas.dev/v1alpha1"]},"name":{"type":"string","description":"App name, a DNS label (lower-case letters, digits and '-', at most 63 characters, starting and ending with a letter or digit). Unique within the publisher namespace.","pattern":"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$","examples":["llama-chat"]},"version":{"type":"string","description":"App version, Semantic Versioning 2.0.0 (MAJOR.MINOR.PATCH with optional pre-release and build).","pattern":"^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$","examples":["1.4.0","2.0.0-rc.1"]},"publisher":{"type":"string","description":"Publisher namespace that owns the app (DNS label). Signatures are checked against the keys trusted for this namespace.","pattern":"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$","examples":["acme-ai"]},"displayName":{"type":"string","description":"Human-readable name shown in the catalog and console.","minLength":1,"maxLength":80,"examples":["Llama Chat"]},"description":{"type":"string","description":"One or two sentences about what the app does, shown in the catalog.","maxLength":2000,"examples":["A chat UI and OpenAI-compatible API serving Llama models on one GPU."]},"icon":{"type":"string","description":"Icon, as a path to an SVG or PNG file inside the app folder or an https URL.","examples":["icon.svg","https://example.com/icon.png"]},"categories":{"type":"array","description":"Catalog categories the app is listed under.","uniqueItems":true,"maxItems":8,"items":{"type":"string","description":"A catalog category.","enum":["inference","training","fine-tuning","batch","notebook","data-processing","rendering","simulation","developer-tools","other"],"examples":["inference"]},"examples":[["inference","developer-tools"]]},"license":{"type":"string","description":"SPDX license expression of the app's own code.","pattern":"^[A-Za-z0-9.+\\-() ]+$","examples":["Apache-2.0","MIT OR Apache-2.0"]},"source":{"type":"string","description":"URL of the app's source repository.","format":"uri","pattern":"^https?://","examples":["https://github.com/acme-ai/llama-chat"]},"run":{"$ref":"#/$defs/run"},"files":{"$ref":"#/$defs/files"},"resources":{"$ref":"#/$defs/resources"},"endpoints":{"type":"array","description":"Network endpoints the app listens on inside its allocation.","maxItems":16,"items":{"$ref":"#/$defs/endpoint"},"examples":[[{"name":"api","port":8000,"protocol":"http","path":"/"}]]},"parameters":{"type":"object","description":"Parameters the tenant sets at launch, by name. Each is typed with JSON Schema and handed to the app as the environment variable GPUAAS_PARAM_<NAME> (upper case) and in the JSON file named by GPUAAS_PARAMS_FILE.","propertyNames":{"pattern":"^[a-z][a-z0-9_]{0,63}$"},"additionalProperties":{"$ref":"#/$defs/parameter"},"examples":[{"model":{"type":"string","enum":["llama-3-8b","llama-3-70b"],"default":"llama-3-8b"}}]},"meters":{"type":"array","description":"Usage dimensions the app reports through the in-app helper (meter(name, quantity)). Names not declared here are rejected at run time.","maxItems":32,"items":{"$ref":"#/$defs/meter"},"examples":[[{"name":"tokens","unit":"token","aggregation":"sum"}]]},"hooks":{"$ref":"#/$defs/hooks"},"health":{"$ref":"#/$defs/health"},"billing":{"$ref":"#/$defs/billing"},"permissions":{"$ref":"#/$defs/permissions"},"compatibility":{"$ref":"#/$defs/compatibility"}},"examples":[{"apiVersion":"gpuaas.dev/v1alpha1","name":"hello","version":"0.1.0","publisher":"acme","run":{"entrypoint":["python3","server.py"]},"resources":{"minimum":{"gpus":{"count":1}}}}],"$defs":{"duration":{"type":"string","description":"A duration as a number and a unit (ms, s, m or h).","pattern":"^[0-9]+(ms|s|m|h)$","examples":["30s","5m","1h"]},"money":{"description":"An amount of money as a decimal string with at most six decimals, or as integer micro-units ({ micros }). Never a floating-point number.","oneOf":[{"type":"string","pattern":"^(0|[1-9][0-9]{0,11})(\\.[0-9]{1,6})?$","description":"Decimal string with at most six decimals.","examples":["0.50","0.000002"]},{"type":"object","additionalProperties":false,"required":["micros"],"description":"Integer micro-units (1 unit = 1,000,000 micros).","properties":{"micros":{"type":"integer","minimum":0,"description":"Amount in micro-units of the currency.","examples":[500000]}},"examples":[{"micros":500000}]}],"examples":["0.50",{"micros":500000}]},"env":{"type":"object","description":"Environment variables, by name.","propertyNames":{"pattern":"^[A-Za-z_][A-Za-z0-9_]*$"},"additionalProperties":{"type":"string","description":"The variable's value.","examples":["1"]},"examples":[{"LOG_LEVEL":"info"}]},"command":{"description":"A command, either as an argv array (run directly) or a string (run with /bin/sh -c).","oneOf":[{"type":"array","minItems":1,"items":{"type":"string","description":"One argument.","examples":["python3"]},"description":"Argument vector; the first item is the program.","examples":[["python3","setup.py"]]},{"type":"string","minLength":1,"description":"Shell command line, run with /bin/sh -c.","examples":["pip install -r requirements.txt"]}],"examples":[["python3","install.py"],"sh ./install.sh"]},"run":{"type":"object","description":"What runs when the app starts.","additionalProperties":false,"required":["entrypoint"],"properties":{"entrypoint":{"type":"array","description":"Argument vector of the app's main process; the first item is the program, resolved against PATH inside the allocation.","minItems":1,"items":{"type":"string","description":"One argument.","examples":["server.py"]},"examples":[["python3","-u","server.py"]]},"workdir":{"type":"string","description":"Working directory, relative to the unpacked app folder.","pattern":"^(?!/)(?!.*(^|/)\\.\\.(/|$)).*$","examples":[".","app"]},"env":{"$ref":"#/$defs/env"}},"examples":[{"entrypoint":["python3","server.py"],"workdir":".","env":{"PORT":"8000"}}]},"files":{"type":"object","description":"Which files of the app folder are packed into the artifact. Paths are globs relative to the folder (** matches any depth).","additionalProperties":false,"properties":{"include":{"type":"array","description":"Globs of files to pack. Default is everything.","items":{"type":"string","minLength":1,"description":"A glob.","examples":["src/**"]},"examples":[["**"]]},"exclude":{"type":"array","description":"Globs of files never packed (applied after include). .git, node_modules/.cache and the build output are always excluded.","items":{"type":"string","minLength":1,"description":"A glob.","examples":["**/__pycache__/**"]},"examples":[["tests/**","**/*.pyc"]]},"layers":{"type":"array","description":"Files that go into layers of their own (for example model weights), so an app update that does not change them uploads nothing for them. Files not matched here go into the main layer.","maxItems":32,"items":{"type":"object","additionalProperties":false,"required":["name","include"],"description":"A named layer.","properties":{"name":{"type":"string","pattern":"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$","description":"Layer name, recorded as the layer's title annotation.","examples":["weights"]},"include":{"type":"array","minItems":1,"description":"Globs of the files in this layer.","items":{"type":"string","minLength":1,"description":"A glob.","examples":["models/**"]},"examples":[["models/**"]]},"compress":{"type":"boolean","description":"Compress the layer with gzip. Off by default for named layers, whose contents (weights) rarely compress.","examples":[false]}},"examples":[{"name":"weights","include":["models/**"]}]},"examples":[[{"name":"weights","include":["models/**"]}]]}},"examples":[{"include":["**"],"exclude":["tests/**"]}]},"gpuRequest":{"type":"object","description":"The GPUs the app needs.","additionalProperties":false,"required":["count"],"properties":{"count":{"type":"integer","minimum":0,"maximum":64,"description":"Number of GPUs (0 for a CPU-only app).","examples":[1,8]},"models":{"type":"array","description":"Acceptable GPU models, in order of preference. Empty or absent means any model that meets minMemoryGiB.","uniqueItems":true,"items":{"type":"string","pattern":"^[A-Za-z0-9][A-Za-z0-9 ._-]*$","description":"A GPU model name as listed in the platform catalog.","examples":["H100-80GB"]},"examples":[["H100-80GB","A100-80GB"]]},"minMemoryGiB":{"type":"integer","minimum":1,"description":"Minimum memory of each GPU, in GiB.","examples":[40,80]},"interconnect":{"type":"string","enum":["any","nvlink"],"description":"Required interconnect between the GPUs; nvlink places them in one NVLink domain.","examples":["nvlink"]},"sameNode":{"type":"boolean","description":"Place all GPUs on one node (default true).","examples":[true]}},"examples":[{"count":2,"models":["H100-80GB"],"minMemoryGiB":80,"interconnect":"nvlink"}]},"profile":{"type":"object","description":"A workload profile the app can be launched with.","additionalProperties":false,"required":["gpus"],"properties":{"gpus":{"$ref":"#/$defs/gpuRequest"},"cpu":{"type":"integer","minimum":1,"maximum":512,"description":"CPU cores.","examples":[8]},"memoryGiB":{"type":"integer","minimum":1,"description":"System memory in GiB.","examples":[64]},"diskGiB":{"type":"integer","minimum":1,"description":"Local disk for the app's data, in GiB.","examples":[200]}},"examples":[{"gpus":{"count":1,"minMemoryGiB":24},"cpu":8,"memoryGiB":32,"diskGiB":100}]},"resources":{"type":"object","description":"The launchable workload profiles. The minimum profile is what the app cannot run without; the recommended profile is offered by default at launch.","additionalProperties":false,"required":["minimum"],"properties":{"minimum":{"$ref":"#/$defs/profile"},"recommended":{"$ref":"#/$defs/profile"}},"examples":[{"minimum":{"gpus":{"count":1,"minMemoryGiB":24}},"recommended":{"gpus":{"count":1,"models":["H100-80GB"]}}}]},"endpoint":{"type":"object","description":"A network endpoint of the app.","additionalProperties":false,"required":["name","port"],"properties":{"name":{"type":"string","pattern":"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$","description":"Endpoint name (DNS label), unique within the app; probes refer to it.","examples":["api"]},"port":{"type":"integer","minimum":1,"maximum":65535,"description":"Port the app listens on inside the allocation.","examples":[8000]},"protocol":{"type":"string","enum":["http","tcp"],"description":"Protocol spoken on the port (default http).","examples":["http"]},"path":{"type":"string","pattern":"^/","description":"Base path of an http endpoint.","examples":["/","/v1"]},"ui":{"$ref":"#/$defs/uiExtension"}},"examples":[{"name":"api","port":8000,"protocol":"http","path":"/"}]},"uiExtension":{"type":"object","description":"Shows this endpoint as a UI extension inside the platform console, in a sandboxed iframe.","additionalProperties":false,"required":["title"],"properties":{"title":{"type":"string","minLength":1,"maxLength":60,"description":"Title of the console tab.","examples":["Dashboard"]},"icon":{"type":"string","description":"Icon of the tab (path inside the app folder or https URL).","examples":["ui-icon.svg"]},"path":{"type":"string","pattern":"^/","description":"Path under the endpoint that the console opens.","examples":["/ui/"]},"sandbox":{"type":"object","description":"iframe sandbox settings granted to the extension. Everything is denied unless listed.","additionalProperties":false,"properties":{"allow":{"type":"array","uniqueItems":true,"description":"iframe sandbox tokens to grant.","items":{"type":"string","enum":["allow-scripts","allow-forms","allow-popups","allow-downloads","allow-modals","allow-same-origin"],"description":"An iframe sandbox token.","examples":["allow-scripts"]},"examples":[["allow-scripts","allow-forms"]]}},"examples":[{"allow":["allow-scripts"]}]}},"examples":[{"title":"Dashboard","path":"/ui/","sandbox":{"allow":["allow-scripts"]}}]},"parameter":{"type":"object","description":"A launch parameter, typed with a subset of JSON Schema.","additionalProperties":false,"required":["type"],"properties":{"type":{"type":"string","enum":["string","number","integer","boolean","array","object"],"description":"JSON type of the value.","examples":["string"]},"title":{"type":"string","description":"Label shown in the launch form.","examples":["Model"]},"description":{"type":"string","description":"Help text shown in the launch form.","examples":["Which model to serve."]},"default":{"anyOf":[{"type":"string"},{"type":"number"},{"type":"boolean"},{"type":"array"},{"type":"object"}],"description":"Value used when the tenant gives none. Must be valid against this parameter's own schema; secrets have no default.","examples":["llama-3-8b"]},"enum":{"type":"array","minItems":1,"description":"The only allowed values.","examples":[["small","large"]]},"minimum":{"type":"number","description":"Smallest allowed number.","examples":[1]},"maximum":{"type":"number","description":"Largest allowed number.","examples":[100]},"minLength":{"type":"integer","minimum":0,"description":"Shortest allowed string.","examples":[1]},"maxLength":{"type":"integer","minimum":0,"description":"Longest allowed string.","examples":[256]},"pattern":{"type":"string","format":"regex","description":"Regular expression a string must match.","examples":["^[a-z]+$"]},"format":{"type":"string","enum":["uri","email","hostname","date-time","uuid"],"description":"Well-known string format.","examples":["uri"]},"items":{"type":"object","description":"Schema of each item of an array parameter (a JSON Schema).","examples":[{"type":"string"}]},"minItems":{"type":"integer","minimum":0,"description":"Fewest array items.","examples":[1]},"maxItems":{"type":"integer","minimum":0,"description":"Most array items.","examples":[10]},"properties":{"type":"object","description":"Schemas of the fields of an object parameter (JSON Schemas by name).","examples":[{"host":{"type":"string"}}]},"required":{"type":"array","items":{"type":"string","description":"A field name.","examples":["host"]},"description":"Required fields of an object parameter.","examples":[["host"]]},"secret":{"type":"boolean","description":"A secret (API key, password). Never logged, shown or given a default; handed to the app only through the environment and the parameters file.","examples":[true]},"mutable":{"type":"boolean","description":"May be changed on a running app (the configure hook runs again). Default false.","examples":[true]}},"examples":[{"type":"integer","minimum":1,"maximum":8,"default":1,"title":"Replicas"}]},"meter":{"type":"object","description":"A usage dimension the app reports.","additionalProperties":false,"required":["name","unit","aggregation"],"properties":{"name":{"type":"string","pattern":"^[a-z][a-z0-9_]{0,63}$","description":"Meter name (lower snake case), used in meter(name, quantity).","examples":["tokens"]},"unit":{"type":"string","minLength":1,"maxLength":32,"description":"Unit of one reported quantity.","examples":["token","image","second"]},"aggregation":{"type":"string","enum":["sum","max","count","unique"],"description":"How reported quantities combine over a billing period.","examples":["sum"]},"description":{"type":"string","description":"What the meter counts.","examples":["Generated tokens."]}},"examples":[{"name":"tokens","unit":"token","aggregation":"sum"}]},"hook":{"type":"object","description":"A lifecycle hook.","additionalProperties":false,"required":["command"],"properties":{"command":{"$ref":"#/$defs/command"},"timeout":{"$ref":"#/$defs/duration","description":"How long one attempt may run before it is killed (default 5m)."},"retries":{"type":"integer","minimum":0,"maximum":10,"description":"How many times a failed attempt is retried (default 0).","examples":[2]},"backoff":{"type":"object","description":"Delay between retries, growing exponentially.","additionalProperties":false,"properties":{"initial":{"$ref":"#/$defs/duration","description":"Delay before the first retry (default 1s)."},"max":{"$ref":"#/$defs/duration","description":"Longest delay between retries (default 30s)."},"multiplier":{"type":"integer","minimum":1,"maximum":10,"description":"Growth factor of the delay (default 2).","examples":[2]}},"examples":[{"initial":"1s","max":"30s","multiplier":2}]},"env":{"$ref":"#/$defs/env"}},"examples":[{"command":["python3","download.py"],"timeout":"10m","retries":2}]},"hooks":{"type":"object","description":"Lifecycle hooks, run by the runtime inside the allocation.","additionalProperties":false,"properties":{"install":{"$ref":"#/$defs/hook","description":"Runs once per artifact digest, before the first start (download weights, compile)."},"configure":{"$ref":"#/$defs/hook","description":"Runs on every launch and whenever a mutable parameter changes."},"start":{"$ref":"#/$defs/hook","description":"Runs just before the entrypoint starts."},"stop":{"$ref":"#/$defs/hook","description":"Runs when the app is asked to stop, before the stop signal."},"upgrade":{"$ref":"#/$defs/hook","description":"Runs when this version replaces an earlier one; GPUAAS_PREVIOUS_DIR names the earlier version's data."},"uninstall":{"$ref":"#/$defs/hook","description":"Runs when the app is removed from the allocation."}},"examples":[{"install":{"command":"pip install -r requirements.txt","timeout":"10m"}}]},"probe":{"type":"object","description":"A health probe; exactly one of http, tcp or command.","additionalProperties":false,"properties":{"http":{"type":"object","description":"Healthy when GET returns a 2xx or 3xx status.","additionalProperties":false,"required":["endpoint"],"properties":{"endpoint":{"type":"string","description":"Name of a declared endpoint.","examples":["api"]},"path":{"type":"string","pattern":"^/","description":"Path requested (default /).","examples":["/healthz"]}},"examples":[{"endpoint":"api","path":"/healthz"}]},"tcp":{"type":"object","description":"Healthy when the endpoint's port accepts a connection.","additionalProperties":false,"required":["endpoint"],"properties":{"endpoint":{"type":"string","description":"Name of a declared endpoint.","examples":["api"]}},"examples":[{"endpoint":"api"}]},"command":{"$ref":"#/$defs/command","description":"Healthy when the command exits 0."},"initialDelay":{"$ref":"#/$defs/duration","description":"Wait before the first check (default 0s)."},"period":{"$ref":"#/$defs/duration","description":"Time between checks (default 10s)."},"timeout":{"$ref":"#/$defs/duration","description":"Time one check may take (default 1s)."},"failureThreshold":{"type":"integer","minimum":1,"description":"Consecutive failures that count as failed (default 3).","examples":[3]},"successThreshold":{"type":"integer","minimum":1,"description":"Consecutive successes that count as passed (default 1).","examples":[1]}},"oneOf":[{"required":["http"]},{"required":["tcp"]},{"required":["command"]}],"examples":[{"http":{"endpoint":"api","path":"/healthz"},"period":"5s","failureThreshold":3}]},"health":{"type":"object","description":"Health probes and how the app is stopped.","additionalProperties":false,"properties":{"startup":{"$ref":"#/$defs/probe","description":"Gates the other probes until the app has started (slow model loads)."},"readiness":{"$ref":"#/$defs/probe","description":"The app is ready (and billing starts) when this passes."},"liveness":{"$ref":"#/$defs/probe","description":"The app is restarted when this fails."},"stop":{"type":"object","description":"How the app's processes are stopped.","additionalProperties":false,"properties":{"gracePeriod":{"$ref":"#/$defs/duration","description":"Time between the stop hook's start and SIGKILL of the whole process group (default 30s). Must cover the stop hook's timeout."},"signal":{"type":"string","enum":["SIGTERM","SIGINT","SIGQUIT","SIGHUP","SIGUSR1","SIGUSR2"],"description":"Signal sent to the process group after the stop hook (default SIGTERM).","examples":["SIGTERM"]}},"examples":[{"gracePeriod":"30s","signal":"SIGTERM"}]}},"examples":[{"readiness":{"http":{"endpoint":"api","path":"/healthz"}}}]},"meteredPrice":{"type":"object","description":"Price of one unit of a declared meter.","additionalProperties":false,"required":["meter","pricePerUnit"],"properties":{"meter":{"type":"string","description":"Name of a meter declared under meters.","examples":["tokens"]},"pricePerUnit":{"$ref":"#/$defs/money","description":"Price of one unit of the meter."}},"examples":[{"meter":"tokens","pricePerUnit":"0.000002"}]},"billing":{"type":"object","description":"What the app costs the tenant, on top of GPU time.","additionalProperties":false,"required":["currency"],"properties":{"currency":{"type":"string","pattern":"^[A-Z]{3}$","description":"ISO 4217 currency code.","examples":["USD","EUR"]},"hourlyPrice":{"$ref":"#/$defs/money","description":"Price per hour the app is ready, on top of GPU time."},"metered":{"type":"array","description":"Prices of metered usage dimensions.","items":{"$ref":"#/$defs/meteredPrice"},"examples":[[{"meter":"tokens","pricePerUnit":"0.000002"}]]}},"examples":[{"currency":"USD","hourlyPrice":"0.50","metered":[{"meter":"tokens","pricePerUnit":"0.000002"}]}]},"permissions":{"type":"object","description":"What the app's tenant-scoped service account may do; the tenant grants these at launch.","additionalProperties":false,"properties":{"scopes":{"type":"array","uniqueItems":true,"description":"Scopes requested.","items":{"type":"string","enum":["storage:read","storage:write","usage:write","apps:read","allocations:read","projects:read","audit:read","billing:read"],"description":"A platform scope.","examples":["storage:read"]},"examples":[["storage:read","usage:write"]]}},"examples":[{"scopes":["usage:write"]}]},"compatibility":{"type":"object","description":"Versions of the platform runtime and CUDA the app works with.","additionalProperties":false,"properties":{"runtime":{"type":"string","pattern":"^[\\^~<>=*xX0-9. |-]+$","description":"Semver range of the GPUaaS runtime.","examples":[">=0.1.0 <1.0.0","^0.1.0"]},"cuda":{"type":"string","pattern":"^[\\^~<>=*xX0-9. |-]+$","description":"Version range of the CUDA driver API the app needs.","examples":[">=12.1"]}},"examples":[{"runtime":"^0.1.0","cuda":">=12.1"}]}}};
const schema3 = {"type":"object","description":"Which files of the app folder are packed into the artifact. Paths are globs relative to the folder (** matches any depth).","additionalProperties":false,"properties":{"include":{"type":"array","description":"Globs of files to pack. Default is everything.","items":{"type":"string","minLength":1,"description":"A glob.","examples":["src/**"]},"examples":[["**"]]},"exclude":{"type":"array","description":"Globs of files never packed (applied after include). .git, node_modules/.cache and the build output are always excluded.","items":{"type":"string","minLength":1,"description":"A glob.","examples":["**/__pycache__/**"]},"examples":[["tests/**","**/*.pyc"]]},"layers":{"type":"array","description":"Files that go into layers of their own (for example model weights), so an app update that does not change them uploads nothing for them. Files not matched here go into the main layer.","maxItems":32,"items":{"type":"object","additionalProperties":false,"required":["name","include"],"description":"A named layer.","properties":{"name":{"type":"string","pattern":"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$","description":"Layer name, recorded as the layer's title annotation.","examples":["weights"]},"include":{"type":"array","minItems":1,"description":"Globs of the files in this layer.","items":{"type":"string","minLength":1,"description":"A glob.","examples":["models/**"]},"examples":[["models/**"]]},"compress":{"type":"boolean","description":"Compress the layer with gzip. Off by default for named layers, whose contents (weights) rarely compress.","examples":[false]}},"examples":[{"name":"weights","include":["models/**"]}]},"examples":[[{"name":"weights","include":["models/**"]}]]}},"examples":[{"include":["**"],"exclude":["tests/**"]}]};
const schema9 = {"type":"object","description":"A launch parameter, typed with a subset of JSON Schema.","additionalProperties":false,"required":["type"],"properties":{"type":{"type":"string","enum":["string","number","integer","boolean","array","object"],"description":"JSON type of the value.","examples":["string"]},"title":{"type":"string","description":"Label shown in the launch form.","examples":["Model"]},"description":{"type":"string","description":"Help text shown in the launch form.","examples":["Which model to serve."]},"default":{"anyOf":[{"type":"string"},{"type":"number"},{"type":"boolean"},{"type":"array"},{"type":"object"}],"description":"Value used when the tenant gives none. Must be valid against this parameter's own schema; secrets have no default.","examples":["llama-3-8b"]},"enum":{"type":"array","minItems":1,"description":"The only allowed values.","examples":[["small","large"]]},"minimum":{"type":"number","description":"Smallest allowed number.","examples":[1]},"maximum":{"type":"number","description":"Largest allowed number.","examples":[100]},"minLength":{"type":"integer","minimum":0,"description":"Shortest allowed string.","examples":[1]},"maxLength":{"type":"integer","minimum":0,"description":"Longest allowed string.","examples":[256]},"pattern":{"type":"string","format":"regex","description":"Regular expression a string must match.","examples":["^[a-z]+$"]},"format":{"type":"string","enum":["uri","email","hostname","date-time","uuid"],"description":"Well-known string format.","examples":["uri"]},"items":{"type":"object","description":"Schema of each item of an array parameter (a JSON Schema).","examples":[{"type":"string"}]},"minItems":{"type":"integer","minimum":0,"description":"Fewest array items.","examples":[1]},"maxItems":{"type":"integer","minimum":0,"description":"Most array items.","examples":[10]},"properties":{"type":"object","description":"Schemas of the fields of an object parameter (JSON Schemas by name).","examples":[{"host":{"type":"string"}}]},"required":{"type":"array","items":{"type":"string","description":"A field name.","examples":["host"]},"description":"Required fields of an object parameter.","examples":[["host"]]},"secret":{"type":"boolean","description":"A secret (API key, password). Never logged, shown or given a default; handed to the app only through the environment and the parameters file.","examples":[true]},"mutable":{"type":"boolean","description":"May be changed on a running app (the configure hook runs again). Default false.","examples":[true]}},"examples":[{"type":"integer","minimum":1,"maximum":8,"default":1,"title":"Replicas"}]};
const schema10 = {"type":"object","description":"A usage dimension the app reports.","additionalProperties":false,"required":["name","unit","aggregation"],"properties":{"name":{"type":"string","pattern":"^[a-z][a-z0-9_]{0,63}$","description":"Meter name (lower snake case), used in meter(name, quantity).","examples":["tokens"]},"unit":{"type":"string","minLength":1,"maxLength":32,"description":"Unit of one reported quantity.","examples":["token","image","second"]},"aggregation":{"type":"string","enum":["sum","max","count","unique"],"description":"How reported quantities combine over a billing period.","examples":["sum"]},"description":{"type":"string","description":"What the meter counts.","examples":["Generated tokens."]}},"examples":[{"name":"tokens","unit":"token","aggregation":"sum"}]};
const schema29 = {"type":"object","description":"What the app's tenant-scoped service account may do; the tenant grants these at launch.","additionalProperties":false,"properties":{"scopes":{"type":"array","uniqueItems":true,"description":"Scopes requested.","items":{"type":"string","enum":["storage:read","storage:write","usage:write","apps:read","allocations:read","projects:read","audit:read","billing:read"],"description":"A platform scope.","examples":["storage:read"]},"examples":[["storage:read","usage:write"]]}},"examples":[{"scopes":["usage:write"]}]};
const schema30 = {"type":"object","description":"Versions of the platform runtime and CUDA the app works with.","additionalProperties":false,"properties":{"runtime":{"type":"string","pattern":"^[\\^~<>=*xX0-9. |-]+$","description":"Semver range of the GPUaaS runtime.","examples":[">=0.1.0 <1.0.0","^0.1.0"]},"cuda":{"type":"string","pattern":"^[\\^~<>=*xX0-9. |-]+$","description":"Version range of the CUDA driver API the app needs.","examples":[">=12.1"]}},"examples":[{"runtime":"^0.1.0","cuda":">=12.1"}]};
const func0 = Object.prototype.hasOwnProperty;
const func1 = require("ajv/dist/runtime/ucs2length").default;
const pattern0 = new RegExp("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", "u");
const pattern1 = new RegExp("^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$", "u");
const pattern3 = new RegExp("^[A-Za-z0-9.+\\-() ]+$", "u");
const pattern4 = new RegExp("^https?://", "u");
const pattern12 = new RegExp("^[a-z][a-z0-9_]{0,63}$", "u");
const pattern26 = new RegExp("^[\\^~<>=*xX0-9. |-]+$", "u");
const formats0 = require("ajv-formats/dist/formats").fullFormats.uri;
const formats2 = require("ajv-formats/dist/formats").fullFormats.regex;
const schema1 = {"type":"object","description":"What runs when the app starts.","additionalProperties":false,"required":["entrypoint"],"properties":{"entrypoint":{"type":"array","description":"Argument vector of the app's main process; the first item is the program, resolved against PATH inside the allocation.","minItems":1,"items":{"type":"string","description":"One argument.","examples":["server.py"]},"examples":[["python3","-u","server.py"]]},"workdir":{"type":"string","description":"Working directory, relative to the unpacked app folder.","pattern":"^(?!/)(?!.*(^|/)\\.\\.(/|$)).*$","examples":[".","app"]},"env":{"$ref":"#/$defs/env"}},"examples":[{"entrypoint":["python3","server.py"],"workdir":".","env":{"PORT":"8000"}}]};
const schema2 = {"type":"object","description":"Environment variables, by name.","propertyNames":{"pattern":"^[A-Za-z_][A-Za-z0-9_]*$"},"additionalProperties":{"type":"string","description":"The variable's value.","examples":["1"]},"examples":[{"LOG_LEVEL":"info"}]};
const pattern5 = new RegExp("^(?!/)(?!.*(^|/)\\.\\.(/|$)).*$", "u");
const pattern6 = new RegExp("^[A-Za-z_][A-Za-z0-9_]*$", "u");

function validate1(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate1.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.entrypoint === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "entrypoint"},message:"must have required property '"+"entrypoint"+"'",schema:schema1.required,parentSchema:schema1,data};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
for(const key0 in data){
if(!(((key0 === "entrypoint") || (key0 === "workdir")) || (key0 === "env"))){
const err1 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties",schema:false,parentSchema:schema1,data};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
if(data.entrypoint !== undefined){
let data0 = data.entrypoint;
if(Array.isArray(data0)){
if(data0.length < 1){
const err2 = {instancePath:instancePath+"/entrypoint",schemaPath:"#/properties/entrypoint/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items",schema:1,parentSchema:schema1.properties.entrypoint,data:data0};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
const len0 = data0.length;
for(let i0=0; i0<len0; i0++){
let data1 = data0[i0];
if(typeof data1 !== "string"){
const err3 = {instancePath:instancePath+"/entrypoint/" + i0,schemaPath:"#/properties/entrypoint/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema1.properties.entrypoint.items.type,parentSchema:schema1.properties.entrypoint.items,data:data1};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
}
else {
const err4 = {instancePath:instancePath+"/entrypoint",schemaPath:"#/properties/entrypoint/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema1.properties.entrypoint.type,parentSchema:schema1.properties.entrypoint,data:data0};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
if(data.workdir !== undefined){
let data2 = data.workdir;
if(typeof data2 === "string"){
if(!pattern5.test(data2)){
const err5 = {instancePath:instancePath+"/workdir",schemaPath:"#/properties/workdir/pattern",keyword:"pattern",params:{pattern: "^(?!/)(?!.*(^|/)\\.\\.(/|$)).*$"},message:"must match pattern \""+"^(?!/)(?!.*(^|/)\\.\\.(/|$)).*$"+"\"",schema:"^(?!/)(?!.*(^|/)\\.\\.(/|$)).*$",parentSchema:schema1.properties.workdir,data:data2};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
else {
const err6 = {instancePath:instancePath+"/workdir",schemaPath:"#/properties/workdir/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema1.properties.workdir.type,parentSchema:schema1.properties.workdir,data:data2};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
if(data.env !== undefined){
let data3 = data.env;
if(data3 && typeof data3 == "object" && !Array.isArray(data3)){
for(const key1 in data3){
const _errs11 = errors;
if(typeof key1 === "string"){
if(!pattern6.test(key1)){
const err7 = {instancePath:instancePath+"/env",schemaPath:"#/$defs/env/propertyNames/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z_][A-Za-z0-9_]*$"},message:"must match pattern \""+"^[A-Za-z_][A-Za-z0-9_]*$"+"\"",schema:"^[A-Za-z_][A-Za-z0-9_]*$",parentSchema:schema2.propertyNames,data:key1,propertyName:key1};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
}
var valid4 = _errs11 === errors;
if(!valid4){
const err8 = {instancePath:instancePath+"/env",schemaPath:"#/$defs/env/propertyNames",keyword:"propertyNames",params:{propertyName: key1},message:"property name must be valid",schema:schema2.propertyNames,parentSchema:schema2,data:data3};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
for(const key2 in data3){
let data4 = data3[key2];
if(typeof data4 !== "string"){
const err9 = {instancePath:instancePath+"/env/" + key2.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/$defs/env/additionalProperties/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema2.additionalProperties.type,parentSchema:schema2.additionalProperties,data:data4};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
}
else {
const err10 = {instancePath:instancePath+"/env",schemaPath:"#/$defs/env/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema2.type,parentSchema:schema2,data:data3};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
}
else {
const err11 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema1.type,parentSchema:schema1,data};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
validate1.errors = vErrors;
return errors === 0;
}
validate1.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};

const schema4 = {"type":"object","description":"The launchable workload profiles. The minimum profile is what the app cannot run without; the recommended profile is offered by default at launch.","additionalProperties":false,"required":["minimum"],"properties":{"minimum":{"$ref":"#/$defs/profile"},"recommended":{"$ref":"#/$defs/profile"}},"examples":[{"minimum":{"gpus":{"count":1,"minMemoryGiB":24}},"recommended":{"gpus":{"count":1,"models":["H100-80GB"]}}}]};
const schema5 = {"type":"object","description":"A workload profile the app can be launched with.","additionalProperties":false,"required":["gpus"],"properties":{"gpus":{"$ref":"#/$defs/gpuRequest"},"cpu":{"type":"integer","minimum":1,"maximum":512,"description":"CPU cores.","examples":[8]},"memoryGiB":{"type":"integer","minimum":1,"description":"System memory in GiB.","examples":[64]},"diskGiB":{"type":"integer","minimum":1,"description":"Local disk for the app's data, in GiB.","examples":[200]}},"examples":[{"gpus":{"count":1,"minMemoryGiB":24},"cpu":8,"memoryGiB":32,"diskGiB":100}]};
const schema6 = {"type":"object","description":"The GPUs the app needs.","additionalProperties":false,"required":["count"],"properties":{"count":{"type":"integer","minimum":0,"maximum":64,"description":"Number of GPUs (0 for a CPU-only app).","examples":[1,8]},"models":{"type":"array","description":"Acceptable GPU models, in order of preference. Empty or absent means any model that meets minMemoryGiB.","uniqueItems":true,"items":{"type":"string","pattern":"^[A-Za-z0-9][A-Za-z0-9 ._-]*$","description":"A GPU model name as listed in the platform catalog.","examples":["H100-80GB"]},"examples":[["H100-80GB","A100-80GB"]]},"minMemoryGiB":{"type":"integer","minimum":1,"description":"Minimum memory of each GPU, in GiB.","examples":[40,80]},"interconnect":{"type":"string","enum":["any","nvlink"],"description":"Required interconnect between the GPUs; nvlink places them in one NVLink domain.","examples":["nvlink"]},"sameNode":{"type":"boolean","description":"Place all GPUs on one node (default true).","examples":[true]}},"examples":[{"count":2,"models":["H100-80GB"],"minMemoryGiB":80,"interconnect":"nvlink"}]};
const pattern8 = new RegExp("^[A-Za-z0-9][A-Za-z0-9 ._-]*$", "u");

function validate4(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate4.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.gpus === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "gpus"},message:"must have required property '"+"gpus"+"'",schema:schema5.required,parentSchema:schema5,data};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
for(const key0 in data){
if(!((((key0 === "gpus") || (key0 === "cpu")) || (key0 === "memoryGiB")) || (key0 === "diskGiB"))){
const err1 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties",schema:false,parentSchema:schema5,data};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
if(data.gpus !== undefined){
let data0 = data.gpus;
if(data0 && typeof data0 == "object" && !Array.isArray(data0)){
if(data0.count === undefined){
const err2 = {instancePath:instancePath+"/gpus",schemaPath:"#/$defs/gpuRequest/required",keyword:"required",params:{missingProperty: "count"},message:"must have required property '"+"count"+"'",schema:schema6.required,parentSchema:schema6,data:data0};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
for(const key1 in data0){
if(!(((((key1 === "count") || (key1 === "models")) || (key1 === "minMemoryGiB")) || (key1 === "interconnect")) || (key1 === "sameNode"))){
const err3 = {instancePath:instancePath+"/gpus",schemaPath:"#/$defs/gpuRequest/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties",schema:false,parentSchema:schema6,data:data0};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
if(data0.count !== undefined){
let data1 = data0.count;
if(!(((typeof data1 == "number") && (!(data1 % 1) && !isNaN(data1))) && (isFinite(data1)))){
const err4 = {instancePath:instancePath+"/gpus/count",schemaPath:"#/$defs/gpuRequest/properties/count/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema6.properties.count.type,parentSchema:schema6.properties.count,data:data1};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
if((typeof data1 == "number") && (isFinite(data1))){
if(data1 > 64 || isNaN(data1)){
const err5 = {instancePath:instancePath+"/gpus/count",schemaPath:"#/$defs/gpuRequest/properties/count/maximum",keyword:"maximum",params:{comparison: "<=", limit: 64},message:"must be <= 64",schema:64,parentSchema:schema6.properties.count,data:data1};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
if(data1 < 0 || isNaN(data1)){
const err6 = {instancePath:instancePath+"/gpus/count",schemaPath:"#/$defs/gpuRequest/properties/count/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema6.properties.count,data:data1};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
}
if(data0.models !== undefined){
let data2 = data0.models;
if(Array.isArray(data2)){
const len0 = data2.length;
for(let i0=0; i0<len0; i0++){
let data3 = data2[i0];
if(typeof data3 === "string"){
if(!pattern8.test(data3)){
const err7 = {instancePath:instancePath+"/gpus/models/" + i0,schemaPath:"#/$defs/gpuRequest/properties/models/items/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9 ._-]*$"},message:"must match pattern \""+"^[A-Za-z0-9][A-Za-z0-9 ._-]*$"+"\"",schema:"^[A-Za-z0-9][A-Za-z0-9 ._-]*$",parentSchema:schema6.properties.models.items,data:data3};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
}
else {
const err8 = {instancePath:instancePath+"/gpus/models/" + i0,schemaPath:"#/$defs/gpuRequest/properties/models/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema6.properties.models.items.type,parentSchema:schema6.properties.models.items,data:data3};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
let i1 = data2.length;
let j0;
if(i1 > 1){
const indices0 = {};
for(;i1--;){
let item0 = data2[i1];
if(typeof item0 !== "string"){
continue;
}
if(typeof indices0[item0] == "number"){
j0 = indices0[item0];
const err9 = {instancePath:instancePath+"/gpus/models",schemaPath:"#/$defs/gpuRequest/properties/models/uniqueItems",keyword:"uniqueItems",params:{i: i1, j: j0},message:"must NOT have duplicate items (items ## "+j0+" and "+i1+" are identical)",schema:true,parentSchema:schema6.properties.models,data:data2};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
break;
}
indices0[item0] = i1;
}
}
}
else {
const err10 = {instancePath:instancePath+"/gpus/models",schemaPath:"#/$defs/gpuRequest/properties/models/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema6.properties.models.type,parentSchema:schema6.properties.models,data:data2};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
if(data0.minMemoryGiB !== undefined){
let data4 = data0.minMemoryGiB;
if(!(((typeof data4 == "number") && (!(data4 % 1) && !isNaN(data4))) && (isFinite(data4)))){
const err11 = {instancePath:instancePath+"/gpus/minMemoryGiB",schemaPath:"#/$defs/gpuRequest/properties/minMemoryGiB/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema6.properties.minMemoryGiB.type,parentSchema:schema6.properties.minMemoryGiB,data:data4};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
if((typeof data4 == "number") && (isFinite(data4))){
if(data4 < 1 || isNaN(data4)){
const err12 = {instancePath:instancePath+"/gpus/minMemoryGiB",schemaPath:"#/$defs/gpuRequest/properties/minMemoryGiB/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema6.properties.minMemoryGiB,data:data4};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
}
if(data0.interconnect !== undefined){
let data5 = data0.interconnect;
if(typeof data5 !== "string"){
const err13 = {instancePath:instancePath+"/gpus/interconnect",schemaPath:"#/$defs/gpuRequest/properties/interconnect/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema6.properties.interconnect.type,parentSchema:schema6.properties.interconnect,data:data5};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
if(!((data5 === "any") || (data5 === "nvlink"))){
const err14 = {instancePath:instancePath+"/gpus/interconnect",schemaPath:"#/$defs/gpuRequest/properties/interconnect/enum",keyword:"enum",params:{allowedValues: schema6.properties.interconnect.enum},message:"must be equal to one of the allowed values",schema:schema6.properties.interconnect.enum,parentSchema:schema6.properties.interconnect,data:data5};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
if(data0.sameNode !== undefined){
let data6 = data0.sameNode;
if(typeof data6 !== "boolean"){
const err15 = {instancePath:instancePath+"/gpus/sameNode",schemaPath:"#/$defs/gpuRequest/properties/sameNode/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema6.properties.sameNode.type,parentSchema:schema6.properties.sameNode,data:data6};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
}
else {
const err16 = {instancePath:instancePath+"/gpus",schemaPath:"#/$defs/gpuRequest/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema6.type,parentSchema:schema6,data:data0};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
if(data.cpu !== undefined){
let data7 = data.cpu;
if(!(((typeof data7 == "number") && (!(data7 % 1) && !isNaN(data7))) && (isFinite(data7)))){
const err17 = {instancePath:instancePath+"/cpu",schemaPath:"#/properties/cpu/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema5.properties.cpu.type,parentSchema:schema5.properties.cpu,data:data7};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
if((typeof data7 == "number") && (isFinite(data7))){
if(data7 > 512 || isNaN(data7)){
const err18 = {instancePath:instancePath+"/cpu",schemaPath:"#/properties/cpu/maximum",keyword:"maximum",params:{comparison: "<=", limit: 512},message:"must be <= 512",schema:512,parentSchema:schema5.properties.cpu,data:data7};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
if(data7 < 1 || isNaN(data7)){
const err19 = {instancePath:instancePath+"/cpu",schemaPath:"#/properties/cpu/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema5.properties.cpu,data:data7};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
}
}
if(data.memoryGiB !== undefined){
let data8 = data.memoryGiB;
if(!(((typeof data8 == "number") && (!(data8 % 1) && !isNaN(data8))) && (isFinite(data8)))){
const err20 = {instancePath:instancePath+"/memoryGiB",schemaPath:"#/properties/memoryGiB/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema5.properties.memoryGiB.type,parentSchema:schema5.properties.memoryGiB,data:data8};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
if((typeof data8 == "number") && (isFinite(data8))){
if(data8 < 1 || isNaN(data8)){
const err21 = {instancePath:instancePath+"/memoryGiB",schemaPath:"#/properties/memoryGiB/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema5.properties.memoryGiB,data:data8};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
}
}
if(data.diskGiB !== undefined){
let data9 = data.diskGiB;
if(!(((typeof data9 == "number") && (!(data9 % 1) && !isNaN(data9))) && (isFinite(data9)))){
const err22 = {instancePath:instancePath+"/diskGiB",schemaPath:"#/properties/diskGiB/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema5.properties.diskGiB.type,parentSchema:schema5.properties.diskGiB,data:data9};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
if((typeof data9 == "number") && (isFinite(data9))){
if(data9 < 1 || isNaN(data9)){
const err23 = {instancePath:instancePath+"/diskGiB",schemaPath:"#/properties/diskGiB/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema5.properties.diskGiB,data:data9};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
}
}
}
else {
const err24 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema5.type,parentSchema:schema5,data};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
validate4.errors = vErrors;
return errors === 0;
}
validate4.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};


function validate3(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate3.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.minimum === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "minimum"},message:"must have required property '"+"minimum"+"'",schema:schema4.required,parentSchema:schema4,data};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
for(const key0 in data){
if(!((key0 === "minimum") || (key0 === "recommended"))){
const err1 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties",schema:false,parentSchema:schema4,data};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
if(data.minimum !== undefined){
if(!(validate4(data.minimum, {instancePath:instancePath+"/minimum",parentData:data,parentDataProperty:"minimum",rootData,dynamicAnchors}))){
vErrors = vErrors === null ? validate4.errors : vErrors.concat(validate4.errors);
errors = vErrors.length;
}
}
if(data.recommended !== undefined){
if(!(validate4(data.recommended, {instancePath:instancePath+"/recommended",parentData:data,parentDataProperty:"recommended",rootData,dynamicAnchors}))){
vErrors = vErrors === null ? validate4.errors : vErrors.concat(validate4.errors);
errors = vErrors.length;
}
}
}
else {
const err2 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema4.type,parentSchema:schema4,data};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
validate3.errors = vErrors;
return errors === 0;
}
validate3.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};

const schema7 = {"type":"object","description":"A network endpoint of the app.","additionalProperties":false,"required":["name","port"],"properties":{"name":{"type":"string","pattern":"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$","description":"Endpoint name (DNS label), unique within the app; probes refer to it.","examples":["api"]},"port":{"type":"integer","minimum":1,"maximum":65535,"description":"Port the app listens on inside the allocation.","examples":[8000]},"protocol":{"type":"string","enum":["http","tcp"],"description":"Protocol spoken on the port (default http).","examples":["http"]},"path":{"type":"string","pattern":"^/","description":"Base path of an http endpoint.","examples":["/","/v1"]},"ui":{"$ref":"#/$defs/uiExtension"}},"examples":[{"name":"api","port":8000,"protocol":"http","path":"/"}]};
const schema8 = {"type":"object","description":"Shows this endpoint as a UI extension inside the platform console, in a sandboxed iframe.","additionalProperties":false,"required":["title"],"properties":{"title":{"type":"string","minLength":1,"maxLength":60,"description":"Title of the console tab.","examples":["Dashboard"]},"icon":{"type":"string","description":"Icon of the tab (path inside the app folder or https URL).","examples":["ui-icon.svg"]},"path":{"type":"string","pattern":"^/","description":"Path under the endpoint that the console opens.","examples":["/ui/"]},"sandbox":{"type":"object","description":"iframe sandbox settings granted to the extension. Everything is denied unless listed.","additionalProperties":false,"properties":{"allow":{"type":"array","uniqueItems":true,"description":"iframe sandbox tokens to grant.","items":{"type":"string","enum":["allow-scripts","allow-forms","allow-popups","allow-downloads","allow-modals","allow-same-origin"],"description":"An iframe sandbox token.","examples":["allow-scripts"]},"examples":[["allow-scripts","allow-forms"]]}},"examples":[{"allow":["allow-scripts"]}]}},"examples":[{"title":"Dashboard","path":"/ui/","sandbox":{"allow":["allow-scripts"]}}]};
const pattern10 = new RegExp("^/", "u");

function validate8(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate8.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.name === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "name"},message:"must have required property '"+"name"+"'",schema:schema7.required,parentSchema:schema7,data};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.port === undefined){
const err1 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "port"},message:"must have required property '"+"port"+"'",schema:schema7.required,parentSchema:schema7,data};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
for(const key0 in data){
if(!(((((key0 === "name") || (key0 === "port")) || (key0 === "protocol")) || (key0 === "path")) || (key0 === "ui"))){
const err2 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties",schema:false,parentSchema:schema7,data};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
if(data.name !== undefined){
let data0 = data.name;
if(typeof data0 === "string"){
if(!pattern0.test(data0)){
const err3 = {instancePath:instancePath+"/name",schemaPath:"#/properties/name/pattern",keyword:"pattern",params:{pattern: "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"},message:"must match pattern \""+"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"+"\"",schema:"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$",parentSchema:schema7.properties.name,data:data0};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
else {
const err4 = {instancePath:instancePath+"/name",schemaPath:"#/properties/name/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema7.properties.name.type,parentSchema:schema7.properties.name,data:data0};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
if(data.port !== undefined){
let data1 = data.port;
if(!(((typeof data1 == "number") && (!(data1 % 1) && !isNaN(data1))) && (isFinite(data1)))){
const err5 = {instancePath:instancePath+"/port",schemaPath:"#/properties/port/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema7.properties.port.type,parentSchema:schema7.properties.port,data:data1};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
if((typeof data1 == "number") && (isFinite(data1))){
if(data1 > 65535 || isNaN(data1)){
const err6 = {instancePath:instancePath+"/port",schemaPath:"#/properties/port/maximum",keyword:"maximum",params:{comparison: "<=", limit: 65535},message:"must be <= 65535",schema:65535,parentSchema:schema7.properties.port,data:data1};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
if(data1 < 1 || isNaN(data1)){
const err7 = {instancePath:instancePath+"/port",schemaPath:"#/properties/port/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema7.properties.port,data:data1};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
}
}
if(data.protocol !== undefined){
let data2 = data.protocol;
if(typeof data2 !== "string"){
const err8 = {instancePath:instancePath+"/protocol",schemaPath:"#/properties/protocol/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema7.properties.protocol.type,parentSchema:schema7.properties.protocol,data:data2};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
if(!((data2 === "http") || (data2 === "tcp"))){
const err9 = {instancePath:instancePath+"/protocol",schemaPath:"#/properties/protocol/enum",keyword:"enum",params:{allowedValues: schema7.properties.protocol.enum},message:"must be equal to one of the allowed values",schema:schema7.properties.protocol.enum,parentSchema:schema7.properties.protocol,data:data2};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
if(data.path !== undefined){
let data3 = data.path;
if(typeof data3 === "string"){
if(!pattern10.test(data3)){
const err10 = {instancePath:instancePath+"/path",schemaPath:"#/properties/path/pattern",keyword:"pattern",params:{pattern: "^/"},message:"must match pattern \""+"^/"+"\"",schema:"^/",parentSchema:schema7.properties.path,data:data3};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
else {
const err11 = {instancePath:instancePath+"/path",schemaPath:"#/properties/path/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema7.properties.path.type,parentSchema:schema7.properties.path,data:data3};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
if(data.ui !== undefined){
let data4 = data.ui;
if(data4 && typeof data4 == "object" && !Array.isArray(data4)){
if(data4.title === undefined){
const err12 = {instancePath:instancePath+"/ui",schemaPath:"#/$defs/uiExtension/required",keyword:"required",params:{missingProperty: "title"},message:"must have required property '"+"title"+"'",schema:schema8.required,parentSchema:schema8,data:data4};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
for(const key1 in data4){
if(!((((key1 === "title") || (key1 === "icon")) || (key1 === "path")) || (key1 === "sandbox"))){
const err13 = {instancePath:instancePath+"/ui",schemaPath:"#/$defs/uiExtension/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties",schema:false,parentSchema:schema8,data:data4};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
if(data4.title !== undefined){
let data5 = data4.title;
if(typeof data5 === "string"){
if(func1(data5) > 60){
const err14 = {instancePath:instancePath+"/ui/title",schemaPath:"#/$defs/uiExtension/properties/title/maxLength",keyword:"maxLength",params:{limit: 60},message:"must NOT have more than 60 characters",schema:60,parentSchema:schema8.properties.title,data:data5};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
if(func1(data5) < 1){
const err15 = {instancePath:instancePath+"/ui/title",schemaPath:"#/$defs/uiExtension/properties/title/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema8.properties.title,data:data5};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
else {
const err16 = {instancePath:instancePath+"/ui/title",schemaPath:"#/$defs/uiExtension/properties/title/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema8.properties.title.type,parentSchema:schema8.properties.title,data:data5};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
if(data4.icon !== undefined){
let data6 = data4.icon;
if(typeof data6 !== "string"){
const err17 = {instancePath:instancePath+"/ui/icon",schemaPath:"#/$defs/uiExtension/properties/icon/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema8.properties.icon.type,parentSchema:schema8.properties.icon,data:data6};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
}
if(data4.path !== undefined){
let data7 = data4.path;
if(typeof data7 === "string"){
if(!pattern10.test(data7)){
const err18 = {instancePath:instancePath+"/ui/path",schemaPath:"#/$defs/uiExtension/properties/path/pattern",keyword:"pattern",params:{pattern: "^/"},message:"must match pattern \""+"^/"+"\"",schema:"^/",parentSchema:schema8.properties.path,data:data7};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
}
else {
const err19 = {instancePath:instancePath+"/ui/path",schemaPath:"#/$defs/uiExtension/properties/path/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema8.properties.path.type,parentSchema:schema8.properties.path,data:data7};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
}
if(data4.sandbox !== undefined){
let data8 = data4.sandbox;
if(data8 && typeof data8 == "object" && !Array.isArray(data8)){
for(const key2 in data8){
if(!(key2 === "allow")){
const err20 = {instancePath:instancePath+"/ui/sandbox",schemaPath:"#/$defs/uiExtension/properties/sandbox/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2},message:"must NOT have additional properties",schema:false,parentSchema:schema8.properties.sandbox,data:data8};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
}
if(data8.allow !== undefined){
let data9 = data8.allow;
if(Array.isArray(data9)){
const len0 = data9.length;
for(let i0=0; i0<len0; i0++){
let data10 = data9[i0];
if(typeof data10 !== "string"){
const err21 = {instancePath:instancePath+"/ui/sandbox/allow/" + i0,schemaPath:"#/$defs/uiExtension/properties/sandbox/properties/allow/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema8.properties.sandbox.properties.allow.items.type,parentSchema:schema8.properties.sandbox.properties.allow.items,data:data10};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
if(!((((((data10 === "allow-scripts") || (data10 === "allow-forms")) || (data10 === "allow-popups")) || (data10 === "allow-downloads")) || (data10 === "allow-modals")) || (data10 === "allow-same-origin"))){
const err22 = {instancePath:instancePath+"/ui/sandbox/allow/" + i0,schemaPath:"#/$defs/uiExtension/properties/sandbox/properties/allow/items/enum",keyword:"enum",params:{allowedValues: schema8.properties.sandbox.properties.allow.items.enum},message:"must be equal to one of the allowed values",schema:schema8.properties.sandbox.properties.allow.items.enum,parentSchema:schema8.properties.sandbox.properties.allow.items,data:data10};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
}
let i1 = data9.length;
let j0;
if(i1 > 1){
const indices0 = {};
for(;i1--;){
let item0 = data9[i1];
if(typeof item0 !== "string"){
continue;
}
if(typeof indices0[item0] == "number"){
j0 = indices0[item0];
const err23 = {instancePath:instancePath+"/ui/sandbox/allow",schemaPath:"#/$defs/uiExtension/properties/sandbox/properties/allow/uniqueItems",keyword:"uniqueItems",params:{i: i1, j: j0},message:"must NOT have duplicate items (items ## "+j0+" and "+i1+" are identical)",schema:true,parentSchema:schema8.properties.sandbox.properties.allow,data:data9};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
break;
}
indices0[item0] = i1;
}
}
}
else {
const err24 = {instancePath:instancePath+"/ui/sandbox/allow",schemaPath:"#/$defs/uiExtension/properties/sandbox/properties/allow/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema8.properties.sandbox.properties.allow.type,parentSchema:schema8.properties.sandbox.properties.allow,data:data9};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
}
}
else {
const err25 = {instancePath:instancePath+"/ui/sandbox",schemaPath:"#/$defs/uiExtension/properties/sandbox/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema8.properties.sandbox.type,parentSchema:schema8.properties.sandbox,data:data8};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
}
}
else {
const err26 = {instancePath:instancePath+"/ui",schemaPath:"#/$defs/uiExtension/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema8.type,parentSchema:schema8,data:data4};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
}
}
else {
const err27 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema7.type,parentSchema:schema7,data};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
validate8.errors = vErrors;
return errors === 0;
}
validate8.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};

const schema11 = {"type":"object","description":"Lifecycle hooks, run by the runtime inside the allocation.","additionalProperties":false,"properties":{"install":{"$ref":"#/$defs/hook","description":"Runs once per artifact digest, before the first start (download weights, compile)."},"configure":{"$ref":"#/$defs/hook","description":"Runs on every launch and whenever a mutable parameter changes."},"start":{"$ref":"#/$defs/hook","description":"Runs just before the entrypoint starts."},"stop":{"$ref":"#/$defs/hook","description":"Runs when the app is asked to stop, before the stop signal."},"upgrade":{"$ref":"#/$defs/hook","description":"Runs when this version replaces an earlier one; GPUAAS_PREVIOUS_DIR names the earlier version's data."},"uninstall":{"$ref":"#/$defs/hook","description":"Runs when the app is removed from the allocation."}},"examples":[{"install":{"command":"pip install -r requirements.txt","timeout":"10m"}}]};
const schema12 = {"type":"object","description":"A lifecycle hook.","additionalProperties":false,"required":["command"],"properties":{"command":{"$ref":"#/$defs/command"},"timeout":{"$ref":"#/$defs/duration","description":"How long one attempt may run before it is killed (default 5m)."},"retries":{"type":"integer","minimum":0,"maximum":10,"description":"How many times a failed attempt is retried (default 0).","examples":[2]},"backoff":{"type":"object","description":"Delay between retries, growing exponentially.","additionalProperties":false,"properties":{"initial":{"$ref":"#/$defs/duration","description":"Delay before the first retry (default 1s)."},"max":{"$ref":"#/$defs/duration","description":"Longest delay between retries (default 30s)."},"multiplier":{"type":"integer","minimum":1,"maximum":10,"description":"Growth factor of the delay (default 2).","examples":[2]}},"examples":[{"initial":"1s","max":"30s","multiplier":2}]},"env":{"$ref":"#/$defs/env"}},"examples":[{"command":["python3","download.py"],"timeout":"10m","retries":2}]};
const schema13 = {"description":"A command, either as an argv array (run directly) or a string (run with /bin/sh -c).","oneOf":[{"type":"array","minItems":1,"items":{"type":"string","description":"One argument.","examples":["python3"]},"description":"Argument vector; the first item is the program.","examples":[["python3","setup.py"]]},{"type":"string","minLength":1,"description":"Shell command line, run with /bin/sh -c.","examples":["pip install -r requirements.txt"]}],"examples":[["python3","install.py"],"sh ./install.sh"]};
const schema14 = {"type":"string","description":"A duration as a number and a unit (ms, s, m or h).","pattern":"^[0-9]+(ms|s|m|h)$","examples":["30s","5m","1h"]};
const pattern14 = new RegExp("^[0-9]+(ms|s|m|h)$", "u");

function validate11(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate11.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.command === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "command"},message:"must have required property '"+"command"+"'",schema:schema12.required,parentSchema:schema12,data};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
for(const key0 in data){
if(!(((((key0 === "command") || (key0 === "timeout")) || (key0 === "retries")) || (key0 === "backoff")) || (key0 === "env"))){
const err1 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties",schema:false,parentSchema:schema12,data};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
if(data.command !== undefined){
let data0 = data.command;
const _errs4 = errors;
let valid2 = false;
let passing0 = null;
const _errs5 = errors;
if(Array.isArray(data0)){
if(data0.length < 1){
const err2 = {instancePath:instancePath+"/command",schemaPath:"#/$defs/command/oneOf/0/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items",schema:1,parentSchema:schema13.oneOf[0],data:data0};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
const len0 = data0.length;
for(let i0=0; i0<len0; i0++){
let data1 = data0[i0];
if(typeof data1 !== "string"){
const err3 = {instancePath:instancePath+"/command/" + i0,schemaPath:"#/$defs/command/oneOf/0/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema13.oneOf[0].items.type,parentSchema:schema13.oneOf[0].items,data:data1};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
}
else {
const err4 = {instancePath:instancePath+"/command",schemaPath:"#/$defs/command/oneOf/0/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema13.oneOf[0].type,parentSchema:schema13.oneOf[0],data:data0};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
var _valid0 = _errs5 === errors;
if(_valid0){
valid2 = true;
passing0 = 0;
}
const _errs9 = errors;
if(typeof data0 === "string"){
if(func1(data0) < 1){
const err5 = {instancePath:instancePath+"/command",schemaPath:"#/$defs/command/oneOf/1/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema13.oneOf[1],data:data0};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
else {
const err6 = {instancePath:instancePath+"/command",schemaPath:"#/$defs/command/oneOf/1/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema13.oneOf[1].type,parentSchema:schema13.oneOf[1],data:data0};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
var _valid0 = _errs9 === errors;
if(_valid0 && valid2){
valid2 = false;
passing0 = [passing0, 1];
}
else {
if(_valid0){
valid2 = true;
passing0 = 1;
}
}
if(!valid2){
const err7 = {instancePath:instancePath+"/command",schemaPath:"#/$defs/command/oneOf",keyword:"oneOf",params:{passingSchemas: passing0},message:"must match exactly one schema in oneOf",schema:schema13.oneOf,parentSchema:schema13,data:data0};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
else {
errors = _errs4;
if(vErrors !== null){
if(_errs4){
vErrors.length = _errs4;
}
else {
vErrors = null;
}
}
}
}
if(data.timeout !== undefined){
let data2 = data.timeout;
if(typeof data2 === "string"){
if(!pattern14.test(data2)){
const err8 = {instancePath:instancePath+"/timeout",schemaPath:"#/$defs/duration/pattern",keyword:"pattern",params:{pattern: "^[0-9]+(ms|s|m|h)$"},message:"must match pattern \""+"^[0-9]+(ms|s|m|h)$"+"\"",schema:"^[0-9]+(ms|s|m|h)$",parentSchema:schema14,data:data2};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
else {
const err9 = {instancePath:instancePath+"/timeout",schemaPath:"#/$defs/duration/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema14.type,parentSchema:schema14,data:data2};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
if(data.retries !== undefined){
let data3 = data.retries;
if(!(((typeof data3 == "number") && (!(data3 % 1) && !isNaN(data3))) && (isFinite(data3)))){
const err10 = {instancePath:instancePath+"/retries",schemaPath:"#/properties/retries/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema12.properties.retries.type,parentSchema:schema12.properties.retries,data:data3};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
if((typeof data3 == "number") && (isFinite(data3))){
if(data3 > 10 || isNaN(data3)){
const err11 = {instancePath:instancePath+"/retries",schemaPath:"#/properties/retries/maximum",keyword:"maximum",params:{comparison: "<=", limit: 10},message:"must be <= 10",schema:10,parentSchema:schema12.properties.retries,data:data3};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
if(data3 < 0 || isNaN(data3)){
const err12 = {instancePath:instancePath+"/retries",schemaPath:"#/properties/retries/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema12.properties.retries,data:data3};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
}
if(data.backoff !== undefined){
let data4 = data.backoff;
if(data4 && typeof data4 == "object" && !Array.isArray(data4)){
for(const key1 in data4){
if(!(((key1 === "initial") || (key1 === "max")) || (key1 === "multiplier"))){
const err13 = {instancePath:instancePath+"/backoff",schemaPath:"#/properties/backoff/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties",schema:false,parentSchema:schema12.properties.backoff,data:data4};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
if(data4.initial !== undefined){
let data5 = data4.initial;
if(typeof data5 === "string"){
if(!pattern14.test(data5)){
const err14 = {instancePath:instancePath+"/backoff/initial",schemaPath:"#/$defs/duration/pattern",keyword:"pattern",params:{pattern: "^[0-9]+(ms|s|m|h)$"},message:"must match pattern \""+"^[0-9]+(ms|s|m|h)$"+"\"",schema:"^[0-9]+(ms|s|m|h)$",parentSchema:schema14,data:data5};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
else {
const err15 = {instancePath:instancePath+"/backoff/initial",schemaPath:"#/$defs/duration/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema14.type,parentSchema:schema14,data:data5};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
if(data4.max !== undefined){
let data6 = data4.max;
if(typeof data6 === "string"){
if(!pattern14.test(data6)){
const err16 = {instancePath:instancePath+"/backoff/max",schemaPath:"#/$defs/duration/pattern",keyword:"pattern",params:{pattern: "^[0-9]+(ms|s|m|h)$"},message:"must match pattern \""+"^[0-9]+(ms|s|m|h)$"+"\"",schema:"^[0-9]+(ms|s|m|h)$",parentSchema:schema14,data:data6};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
else {
const err17 = {instancePath:instancePath+"/backoff/max",schemaPath:"#/$defs/duration/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema14.type,parentSchema:schema14,data:data6};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
}
if(data4.multiplier !== undefined){
let data7 = data4.multiplier;
if(!(((typeof data7 == "number") && (!(data7 % 1) && !isNaN(data7))) && (isFinite(data7)))){
const err18 = {instancePath:instancePath+"/backoff/multiplier",schemaPath:"#/properties/backoff/properties/multiplier/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema12.properties.backoff.properties.multiplier.type,parentSchema:schema12.properties.backoff.properties.multiplier,data:data7};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
if((typeof data7 == "number") && (isFinite(data7))){
if(data7 > 10 || isNaN(data7)){
const err19 = {instancePath:instancePath+"/backoff/multiplier",schemaPath:"#/properties/backoff/properties/multiplier/maximum",keyword:"maximum",params:{comparison: "<=", limit: 10},message:"must be <= 10",schema:10,parentSchema:schema12.properties.backoff.properties.multiplier,data:data7};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
if(data7 < 1 || isNaN(data7)){
const err20 = {instancePath:instancePath+"/backoff/multiplier",schemaPath:"#/properties/backoff/properties/multiplier/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema12.properties.backoff.properties.multiplier,data:data7};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
}
}
}
else {
const err21 = {instancePath:instancePath+"/backoff",schemaPath:"#/properties/backoff/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema12.properties.backoff.type,parentSchema:schema12.properties.backoff,data:data4};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
}
if(data.env !== undefined){
let data8 = data.env;
if(data8 && typeof data8 == "object" && !Array.isArray(data8)){
for(const key2 in data8){
const _errs30 = errors;
if(typeof key2 === "string"){
if(!pattern6.test(key2)){
const err22 = {instancePath:instancePath+"/env",schemaPath:"#/$defs/env/propertyNames/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z_][A-Za-z0-9_]*$"},message:"must match pattern \""+"^[A-Za-z_][A-Za-z0-9_]*$"+"\"",schema:"^[A-Za-z_][A-Za-z0-9_]*$",parentSchema:schema2.propertyNames,data:key2,propertyName:key2};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
}
var valid10 = _errs30 === errors;
if(!valid10){
const err23 = {instancePath:instancePath+"/env",schemaPath:"#/$defs/env/propertyNames",keyword:"propertyNames",params:{propertyName: key2},message:"property name must be valid",schema:schema2.propertyNames,parentSchema:schema2,data:data8};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
}
for(const key3 in data8){
let data9 = data8[key3];
if(typeof data9 !== "string"){
const err24 = {instancePath:instancePath+"/env/" + key3.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/$defs/env/additionalProperties/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema2.additionalProperties.type,parentSchema:schema2.additionalProperties,data:data9};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
}
}
else {
const err25 = {instancePath:instancePath+"/env",schemaPath:"#/$defs/env/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema2.type,parentSchema:schema2,data:data8};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
}
}
else {
const err26 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema12.type,parentSchema:schema12,data};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
validate11.errors = vErrors;
return errors === 0;
}
validate11.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};


function validate10(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate10.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(data && typeof data == "object" && !Array.isArray(data)){
for(const key0 in data){
if(!((((((key0 === "install") || (key0 === "configure")) || (key0 === "start")) || (key0 === "stop")) || (key0 === "upgrade")) || (key0 === "uninstall"))){
const err0 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties",schema:false,parentSchema:schema11,data};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
}
if(data.install !== undefined){
if(!(validate11(data.install, {instancePath:instancePath+"/install",parentData:data,parentDataProperty:"install",rootData,dynamicAnchors}))){
vErrors = vErrors === null ? validate11.errors : vErrors.concat(validate11.errors);
errors = vErrors.length;
}
}
if(data.configure !== undefined){
if(!(validate11(data.configure, {instancePath:instancePath+"/configure",parentData:data,parentDataProperty:"configure",rootData,dynamicAnchors}))){
vErrors = vErrors === null ? validate11.errors : vErrors.concat(validate11.errors);
errors = vErrors.length;
}
}
if(data.start !== undefined){
if(!(validate11(data.start, {instancePath:instancePath+"/start",parentData:data,parentDataProperty:"start",rootData,dynamicAnchors}))){
vErrors = vErrors === null ? validate11.errors : vErrors.concat(validate11.errors);
errors = vErrors.length;
}
}
if(data.stop !== undefined){
if(!(validate11(data.stop, {instancePath:instancePath+"/stop",parentData:data,parentDataProperty:"stop",rootData,dynamicAnchors}))){
vErrors = vErrors === null ? validate11.errors : vErrors.concat(validate11.errors);
errors = vErrors.length;
}
}
if(data.upgrade !== undefined){
if(!(validate11(data.upgrade, {instancePath:instancePath+"/upgrade",parentData:data,parentDataProperty:"upgrade",rootData,dynamicAnchors}))){
vErrors = vErrors === null ? validate11.errors : vErrors.concat(validate11.errors);
errors = vErrors.length;
}
}
if(data.uninstall !== undefined){
if(!(validate11(data.uninstall, {instancePath:instancePath+"/uninstall",parentData:data,parentDataProperty:"uninstall",rootData,dynamicAnchors}))){
vErrors = vErrors === null ? validate11.errors : vErrors.concat(validate11.errors);
errors = vErrors.length;
}
}
}
else {
const err1 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.type,parentSchema:schema11,data};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
validate10.errors = vErrors;
return errors === 0;
}
validate10.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};

const schema18 = {"type":"object","description":"Health probes and how the app is stopped.","additionalProperties":false,"properties":{"startup":{"$ref":"#/$defs/probe","description":"Gates the other probes until the app has started (slow model loads)."},"readiness":{"$ref":"#/$defs/probe","description":"The app is ready (and billing starts) when this passes."},"liveness":{"$ref":"#/$defs/probe","description":"The app is restarted when this fails."},"stop":{"type":"object","description":"How the app's processes are stopped.","additionalProperties":false,"properties":{"gracePeriod":{"$ref":"#/$defs/duration","description":"Time between the stop hook's start and SIGKILL of the whole process group (default 30s). Must cover the stop hook's timeout."},"signal":{"type":"string","enum":["SIGTERM","SIGINT","SIGQUIT","SIGHUP","SIGUSR1","SIGUSR2"],"description":"Signal sent to the process group after the stop hook (default SIGTERM).","examples":["SIGTERM"]}},"examples":[{"gracePeriod":"30s","signal":"SIGTERM"}]}},"examples":[{"readiness":{"http":{"endpoint":"api","path":"/healthz"}}}]};
const schema19 = {"type":"object","description":"A health probe; exactly one of http, tcp or command.","additionalProperties":false,"properties":{"http":{"type":"object","description":"Healthy when GET returns a 2xx or 3xx status.","additionalProperties":false,"required":["endpoint"],"properties":{"endpoint":{"type":"string","description":"Name of a declared endpoint.","examples":["api"]},"path":{"type":"string","pattern":"^/","description":"Path requested (default /).","examples":["/healthz"]}},"examples":[{"endpoint":"api","path":"/healthz"}]},"tcp":{"type":"object","description":"Healthy when the endpoint's port accepts a connection.","additionalProperties":false,"required":["endpoint"],"properties":{"endpoint":{"type":"string","description":"Name of a declared endpoint.","examples":["api"]}},"examples":[{"endpoint":"api"}]},"command":{"$ref":"#/$defs/command","description":"Healthy when the command exits 0."},"initialDelay":{"$ref":"#/$defs/duration","description":"Wait before the first check (default 0s)."},"period":{"$ref":"#/$defs/duration","description":"Time between checks (default 10s)."},"timeout":{"$ref":"#/$defs/duration","description":"Time one check may take (default 1s)."},"failureThreshold":{"type":"integer","minimum":1,"description":"Consecutive failures that count as failed (default 3).","examples":[3]},"successThreshold":{"type":"integer","minimum":1,"description":"Consecutive successes that count as passed (default 1).","examples":[1]}},"oneOf":[{"required":["http"]},{"required":["tcp"]},{"required":["command"]}],"examples":[{"http":{"endpoint":"api","path":"/healthz"},"period":"5s","failureThreshold":3}]};

function validate20(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate20.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
const _errs1 = errors;
let valid0 = false;
let passing0 = null;
const _errs2 = errors;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.http === undefined){
const err0 = {instancePath,schemaPath:"#/oneOf/0/required",keyword:"required",params:{missingProperty: "http"},message:"must have required property '"+"http"+"'",schema:schema19.oneOf[0].required,parentSchema:schema19.oneOf[0],data};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
}
var _valid0 = _errs2 === errors;
if(_valid0){
valid0 = true;
passing0 = 0;
}
const _errs3 = errors;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.tcp === undefined){
const err1 = {instancePath,schemaPath:"#/oneOf/1/required",keyword:"required",params:{missingProperty: "tcp"},message:"must have required property '"+"tcp"+"'",schema:schema19.oneOf[1].required,parentSchema:schema19.oneOf[1],data};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
var _valid0 = _errs3 === errors;
if(_valid0 && valid0){
valid0 = false;
passing0 = [passing0, 1];
}
else {
if(_valid0){
valid0 = true;
passing0 = 1;
}
const _errs4 = errors;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.command === undefined){
const err2 = {instancePath,schemaPath:"#/oneOf/2/required",keyword:"required",params:{missingProperty: "command"},message:"must have required property '"+"command"+"'",schema:schema19.oneOf[2].required,parentSchema:schema19.oneOf[2],data};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
var _valid0 = _errs4 === errors;
if(_valid0 && valid0){
valid0 = false;
passing0 = [passing0, 2];
}
else {
if(_valid0){
valid0 = true;
passing0 = 2;
}
}
}
if(!valid0){
const err3 = {instancePath,schemaPath:"#/oneOf",keyword:"oneOf",params:{passingSchemas: passing0},message:"must match exactly one schema in oneOf",schema:schema19.oneOf,parentSchema:schema19,data};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
else {
errors = _errs1;
if(vErrors !== null){
if(_errs1){
vErrors.length = _errs1;
}
else {
vErrors = null;
}
}
}
if(data && typeof data == "object" && !Array.isArray(data)){
for(const key0 in data){
if(!((((((((key0 === "http") || (key0 === "tcp")) || (key0 === "command")) || (key0 === "initialDelay")) || (key0 === "period")) || (key0 === "timeout")) || (key0 === "failureThreshold")) || (key0 === "successThreshold"))){
const err4 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties",schema:false,parentSchema:schema19,data};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
if(data.http !== undefined){
let data0 = data.http;
if(data0 && typeof data0 == "object" && !Array.isArray(data0)){
if(data0.endpoint === undefined){
const err5 = {instancePath:instancePath+"/http",schemaPath:"#/properties/http/required",keyword:"required",params:{missingProperty: "endpoint"},message:"must have required property '"+"endpoint"+"'",schema:schema19.properties.http.required,parentSchema:schema19.properties.http,data:data0};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
for(const key1 in data0){
if(!((key1 === "endpoint") || (key1 === "path"))){
const err6 = {instancePath:instancePath+"/http",schemaPath:"#/properties/http/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties",schema:false,parentSchema:schema19.properties.http,data:data0};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
if(data0.endpoint !== undefined){
let data1 = data0.endpoint;
if(typeof data1 !== "string"){
const err7 = {instancePath:instancePath+"/http/endpoint",schemaPath:"#/properties/http/properties/endpoint/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema19.properties.http.properties.endpoint.type,parentSchema:schema19.properties.http.properties.endpoint,data:data1};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
}
if(data0.path !== undefined){
let data2 = data0.path;
if(typeof data2 === "string"){
if(!pattern10.test(data2)){
const err8 = {instancePath:instancePath+"/http/path",schemaPath:"#/properties/http/properties/path/pattern",keyword:"pattern",params:{pattern: "^/"},message:"must match pattern \""+"^/"+"\"",schema:"^/",parentSchema:schema19.properties.http.properties.path,data:data2};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
else {
const err9 = {instancePath:instancePath+"/http/path",schemaPath:"#/properties/http/properties/path/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema19.properties.http.properties.path.type,parentSchema:schema19.properties.http.properties.path,data:data2};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
}
else {
const err10 = {instancePath:instancePath+"/http",schemaPath:"#/properties/http/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema19.properties.http.type,parentSchema:schema19.properties.http,data:data0};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
if(data.tcp !== undefined){
let data3 = data.tcp;
if(data3 && typeof data3 == "object" && !Array.isArray(data3)){
if(data3.endpoint === undefined){
const err11 = {instancePath:instancePath+"/tcp",schemaPath:"#/properties/tcp/required",keyword:"required",params:{missingProperty: "endpoint"},message:"must have required property '"+"endpoint"+"'",schema:schema19.properties.tcp.required,parentSchema:schema19.properties.tcp,data:data3};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
for(const key2 in data3){
if(!(key2 === "endpoint")){
const err12 = {instancePath:instancePath+"/tcp",schemaPath:"#/properties/tcp/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2},message:"must NOT have additional properties",schema:false,parentSchema:schema19.properties.tcp,data:data3};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
if(data3.endpoint !== undefined){
let data4 = data3.endpoint;
if(typeof data4 !== "string"){
const err13 = {instancePath:instancePath+"/tcp/endpoint",schemaPath:"#/properties/tcp/properties/endpoint/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema19.properties.tcp.properties.endpoint.type,parentSchema:schema19.properties.tcp.properties.endpoint,data:data4};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
}
else {
const err14 = {instancePath:instancePath+"/tcp",schemaPath:"#/properties/tcp/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema19.properties.tcp.type,parentSchema:schema19.properties.tcp,data:data3};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
if(data.command !== undefined){
let data5 = data.command;
const _errs20 = errors;
let valid5 = false;
let passing1 = null;
const _errs21 = errors;
if(Array.isArray(data5)){
if(data5.length < 1){
const err15 = {instancePath:instancePath+"/command",schemaPath:"#/$defs/command/oneOf/0/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items",schema:1,parentSchema:schema13.oneOf[0],data:data5};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
const len0 = data5.length;
for(let i0=0; i0<len0; i0++){
let data6 = data5[i0];
if(typeof data6 !== "string"){
const err16 = {instancePath:instancePath+"/command/" + i0,schemaPath:"#/$defs/command/oneOf/0/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema13.oneOf[0].items.type,parentSchema:schema13.oneOf[0].items,data:data6};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
}
else {
const err17 = {instancePath:instancePath+"/command",schemaPath:"#/$defs/command/oneOf/0/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema13.oneOf[0].type,parentSchema:schema13.oneOf[0],data:data5};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
var _valid1 = _errs21 === errors;
if(_valid1){
valid5 = true;
passing1 = 0;
}
const _errs25 = errors;
if(typeof data5 === "string"){
if(func1(data5) < 1){
const err18 = {instancePath:instancePath+"/command",schemaPath:"#/$defs/command/oneOf/1/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema13.oneOf[1],data:data5};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
}
else {
const err19 = {instancePath:instancePath+"/command",schemaPath:"#/$defs/command/oneOf/1/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema13.oneOf[1].type,parentSchema:schema13.oneOf[1],data:data5};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
var _valid1 = _errs25 === errors;
if(_valid1 && valid5){
valid5 = false;
passing1 = [passing1, 1];
}
else {
if(_valid1){
valid5 = true;
passing1 = 1;
}
}
if(!valid5){
const err20 = {instancePath:instancePath+"/command",schemaPath:"#/$defs/command/oneOf",keyword:"oneOf",params:{passingSchemas: passing1},message:"must match exactly one schema in oneOf",schema:schema13.oneOf,parentSchema:schema13,data:data5};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
else {
errors = _errs20;
if(vErrors !== null){
if(_errs20){
vErrors.length = _errs20;
}
else {
vErrors = null;
}
}
}
}
if(data.initialDelay !== undefined){
let data7 = data.initialDelay;
if(typeof data7 === "string"){
if(!pattern14.test(data7)){
const err21 = {instancePath:instancePath+"/initialDelay",schemaPath:"#/$defs/duration/pattern",keyword:"pattern",params:{pattern: "^[0-9]+(ms|s|m|h)$"},message:"must match pattern \""+"^[0-9]+(ms|s|m|h)$"+"\"",schema:"^[0-9]+(ms|s|m|h)$",parentSchema:schema14,data:data7};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
}
else {
const err22 = {instancePath:instancePath+"/initialDelay",schemaPath:"#/$defs/duration/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema14.type,parentSchema:schema14,data:data7};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
}
if(data.period !== undefined){
let data8 = data.period;
if(typeof data8 === "string"){
if(!pattern14.test(data8)){
const err23 = {instancePath:instancePath+"/period",schemaPath:"#/$defs/duration/pattern",keyword:"pattern",params:{pattern: "^[0-9]+(ms|s|m|h)$"},message:"must match pattern \""+"^[0-9]+(ms|s|m|h)$"+"\"",schema:"^[0-9]+(ms|s|m|h)$",parentSchema:schema14,data:data8};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
}
else {
const err24 = {instancePath:instancePath+"/period",schemaPath:"#/$defs/duration/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema14.type,parentSchema:schema14,data:data8};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
}
if(data.timeout !== undefined){
let data9 = data.timeout;
if(typeof data9 === "string"){
if(!pattern14.test(data9)){
const err25 = {instancePath:instancePath+"/timeout",schemaPath:"#/$defs/duration/pattern",keyword:"pattern",params:{pattern: "^[0-9]+(ms|s|m|h)$"},message:"must match pattern \""+"^[0-9]+(ms|s|m|h)$"+"\"",schema:"^[0-9]+(ms|s|m|h)$",parentSchema:schema14,data:data9};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
}
else {
const err26 = {instancePath:instancePath+"/timeout",schemaPath:"#/$defs/duration/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema14.type,parentSchema:schema14,data:data9};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
}
if(data.failureThreshold !== undefined){
let data10 = data.failureThreshold;
if(!(((typeof data10 == "number") && (!(data10 % 1) && !isNaN(data10))) && (isFinite(data10)))){
const err27 = {instancePath:instancePath+"/failureThreshold",schemaPath:"#/properties/failureThreshold/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema19.properties.failureThreshold.type,parentSchema:schema19.properties.failureThreshold,data:data10};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
if((typeof data10 == "number") && (isFinite(data10))){
if(data10 < 1 || isNaN(data10)){
const err28 = {instancePath:instancePath+"/failureThreshold",schemaPath:"#/properties/failureThreshold/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema19.properties.failureThreshold,data:data10};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
}
}
if(data.successThreshold !== undefined){
let data11 = data.successThreshold;
if(!(((typeof data11 == "number") && (!(data11 % 1) && !isNaN(data11))) && (isFinite(data11)))){
const err29 = {instancePath:instancePath+"/successThreshold",schemaPath:"#/properties/successThreshold/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema19.properties.successThreshold.type,parentSchema:schema19.properties.successThreshold,data:data11};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
if((typeof data11 == "number") && (isFinite(data11))){
if(data11 < 1 || isNaN(data11)){
const err30 = {instancePath:instancePath+"/successThreshold",schemaPath:"#/properties/successThreshold/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema19.properties.successThreshold,data:data11};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
}
}
}
else {
const err31 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema19.type,parentSchema:schema19,data};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
validate20.errors = vErrors;
return errors === 0;
}
validate20.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};


function validate19(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate19.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(data && typeof data == "object" && !Array.isArray(data)){
for(const key0 in data){
if(!((((key0 === "startup") || (key0 === "readiness")) || (key0 === "liveness")) || (key0 === "stop"))){
const err0 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties",schema:false,parentSchema:schema18,data};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
}
if(data.startup !== undefined){
if(!(validate20(data.startup, {instancePath:instancePath+"/startup",parentData:data,parentDataProperty:"startup",rootData,dynamicAnchors}))){
vErrors = vErrors === null ? validate20.errors : vErrors.concat(validate20.errors);
errors = vErrors.length;
}
}
if(data.readiness !== undefined){
if(!(validate20(data.readiness, {instancePath:instancePath+"/readiness",parentData:data,parentDataProperty:"readiness",rootData,dynamicAnchors}))){
vErrors = vErrors === null ? validate20.errors : vErrors.concat(validate20.errors);
errors = vErrors.length;
}
}
if(data.liveness !== undefined){
if(!(validate20(data.liveness, {instancePath:instancePath+"/liveness",parentData:data,parentDataProperty:"liveness",rootData,dynamicAnchors}))){
vErrors = vErrors === null ? validate20.errors : vErrors.concat(validate20.errors);
errors = vErrors.length;
}
}
if(data.stop !== undefined){
let data3 = data.stop;
if(data3 && typeof data3 == "object" && !Array.isArray(data3)){
for(const key1 in data3){
if(!((key1 === "gracePeriod") || (key1 === "signal"))){
const err1 = {instancePath:instancePath+"/stop",schemaPath:"#/properties/stop/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties",schema:false,parentSchema:schema18.properties.stop,data:data3};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
if(data3.gracePeriod !== undefined){
let data4 = data3.gracePeriod;
if(typeof data4 === "string"){
if(!pattern14.test(data4)){
const err2 = {instancePath:instancePath+"/stop/gracePeriod",schemaPath:"#/$defs/duration/pattern",keyword:"pattern",params:{pattern: "^[0-9]+(ms|s|m|h)$"},message:"must match pattern \""+"^[0-9]+(ms|s|m|h)$"+"\"",schema:"^[0-9]+(ms|s|m|h)$",parentSchema:schema14,data:data4};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
else {
const err3 = {instancePath:instancePath+"/stop/gracePeriod",schemaPath:"#/$defs/duration/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema14.type,parentSchema:schema14,data:data4};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
if(data3.signal !== undefined){
let data5 = data3.signal;
if(typeof data5 !== "string"){
const err4 = {instancePath:instancePath+"/stop/signal",schemaPath:"#/properties/stop/properties/signal/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema18.properties.stop.properties.signal.type,parentSchema:schema18.properties.stop.properties.signal,data:data5};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
if(!((((((data5 === "SIGTERM") || (data5 === "SIGINT")) || (data5 === "SIGQUIT")) || (data5 === "SIGHUP")) || (data5 === "SIGUSR1")) || (data5 === "SIGUSR2"))){
const err5 = {instancePath:instancePath+"/stop/signal",schemaPath:"#/properties/stop/properties/signal/enum",keyword:"enum",params:{allowedValues: schema18.properties.stop.properties.signal.enum},message:"must be equal to one of the allowed values",schema:schema18.properties.stop.properties.signal.enum,parentSchema:schema18.properties.stop.properties.signal,data:data5};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
}
else {
const err6 = {instancePath:instancePath+"/stop",schemaPath:"#/properties/stop/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema18.properties.stop.type,parentSchema:schema18.properties.stop,data:data3};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
}
else {
const err7 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema18.type,parentSchema:schema18,data};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
validate19.errors = vErrors;
return errors === 0;
}
validate19.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};

const schema25 = {"type":"object","description":"What the app costs the tenant, on top of GPU time.","additionalProperties":false,"required":["currency"],"properties":{"currency":{"type":"string","pattern":"^[A-Z]{3}$","description":"ISO 4217 currency code.","examples":["USD","EUR"]},"hourlyPrice":{"$ref":"#/$defs/money","description":"Price per hour the app is ready, on top of GPU time."},"metered":{"type":"array","description":"Prices of metered usage dimensions.","items":{"$ref":"#/$defs/meteredPrice"},"examples":[[{"meter":"tokens","pricePerUnit":"0.000002"}]]}},"examples":[{"currency":"USD","hourlyPrice":"0.50","metered":[{"meter":"tokens","pricePerUnit":"0.000002"}]}]};
const schema26 = {"description":"An amount of money as a decimal string with at most six decimals, or as integer micro-units ({ micros }). Never a floating-point number.","oneOf":[{"type":"string","pattern":"^(0|[1-9][0-9]{0,11})(\\.[0-9]{1,6})?$","description":"Decimal string with at most six decimals.","examples":["0.50","0.000002"]},{"type":"object","additionalProperties":false,"required":["micros"],"description":"Integer micro-units (1 unit = 1,000,000 micros).","properties":{"micros":{"type":"integer","minimum":0,"description":"Amount in micro-units of the currency.","examples":[500000]}},"examples":[{"micros":500000}]}],"examples":["0.50",{"micros":500000}]};
const pattern23 = new RegExp("^[A-Z]{3}$", "u");
const pattern24 = new RegExp("^(0|[1-9][0-9]{0,11})(\\.[0-9]{1,6})?$", "u");
const schema27 = {"type":"object","description":"Price of one unit of a declared meter.","additionalProperties":false,"required":["meter","pricePerUnit"],"properties":{"meter":{"type":"string","description":"Name of a meter declared under meters.","examples":["tokens"]},"pricePerUnit":{"$ref":"#/$defs/money","description":"Price of one unit of the meter."}},"examples":[{"meter":"tokens","pricePerUnit":"0.000002"}]};

function validate26(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate26.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.meter === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "meter"},message:"must have required property '"+"meter"+"'",schema:schema27.required,parentSchema:schema27,data};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.pricePerUnit === undefined){
const err1 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "pricePerUnit"},message:"must have required property '"+"pricePerUnit"+"'",schema:schema27.required,parentSchema:schema27,data};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
for(const key0 in data){
if(!((key0 === "meter") || (key0 === "pricePerUnit"))){
const err2 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties",schema:false,parentSchema:schema27,data};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
if(data.meter !== undefined){
let data0 = data.meter;
if(typeof data0 !== "string"){
const err3 = {instancePath:instancePath+"/meter",schemaPath:"#/properties/meter/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema27.properties.meter.type,parentSchema:schema27.properties.meter,data:data0};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
if(data.pricePerUnit !== undefined){
let data1 = data.pricePerUnit;
const _errs6 = errors;
let valid2 = false;
let passing0 = null;
const _errs7 = errors;
if(typeof data1 === "string"){
if(!pattern24.test(data1)){
const err4 = {instancePath:instancePath+"/pricePerUnit",schemaPath:"#/$defs/money/oneOf/0/pattern",keyword:"pattern",params:{pattern: "^(0|[1-9][0-9]{0,11})(\\.[0-9]{1,6})?$"},message:"must match pattern \""+"^(0|[1-9][0-9]{0,11})(\\.[0-9]{1,6})?$"+"\"",schema:"^(0|[1-9][0-9]{0,11})(\\.[0-9]{1,6})?$",parentSchema:schema26.oneOf[0],data:data1};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
else {
const err5 = {instancePath:instancePath+"/pricePerUnit",schemaPath:"#/$defs/money/oneOf/0/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema26.oneOf[0].type,parentSchema:schema26.oneOf[0],data:data1};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
var _valid0 = _errs7 === errors;
if(_valid0){
valid2 = true;
passing0 = 0;
}
const _errs9 = errors;
if(data1 && typeof data1 == "object" && !Array.isArray(data1)){
if(data1.micros === undefined){
const err6 = {instancePath:instancePath+"/pricePerUnit",schemaPath:"#/$defs/money/oneOf/1/required",keyword:"required",params:{missingProperty: "micros"},message:"must have required property '"+"micros"+"'",schema:schema26.oneOf[1].required,parentSchema:schema26.oneOf[1],data:data1};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
for(const key1 in data1){
if(!(key1 === "micros")){
const err7 = {instancePath:instancePath+"/pricePerUnit",schemaPath:"#/$defs/money/oneOf/1/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties",schema:false,parentSchema:schema26.oneOf[1],data:data1};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
}
if(data1.micros !== undefined){
let data2 = data1.micros;
if(!(((typeof data2 == "number") && (!(data2 % 1) && !isNaN(data2))) && (isFinite(data2)))){
const err8 = {instancePath:instancePath+"/pricePerUnit/micros",schemaPath:"#/$defs/money/oneOf/1/properties/micros/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema26.oneOf[1].properties.micros.type,parentSchema:schema26.oneOf[1].properties.micros,data:data2};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
if((typeof data2 == "number") && (isFinite(data2))){
if(data2 < 0 || isNaN(data2)){
const err9 = {instancePath:instancePath+"/pricePerUnit/micros",schemaPath:"#/$defs/money/oneOf/1/properties/micros/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema26.oneOf[1].properties.micros,data:data2};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
}
}
else {
const err10 = {instancePath:instancePath+"/pricePerUnit",schemaPath:"#/$defs/money/oneOf/1/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema26.oneOf[1].type,parentSchema:schema26.oneOf[1],data:data1};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
var _valid0 = _errs9 === errors;
if(_valid0 && valid2){
valid2 = false;
passing0 = [passing0, 1];
}
else {
if(_valid0){
valid2 = true;
passing0 = 1;
}
}
if(!valid2){
const err11 = {instancePath:instancePath+"/pricePerUnit",schemaPath:"#/$defs/money/oneOf",keyword:"oneOf",params:{passingSchemas: passing0},message:"must match exactly one schema in oneOf",schema:schema26.oneOf,parentSchema:schema26,data:data1};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
else {
errors = _errs6;
if(vErrors !== null){
if(_errs6){
vErrors.length = _errs6;
}
else {
vErrors = null;
}
}
}
}
}
else {
const err12 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema27.type,parentSchema:schema27,data};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
validate26.errors = vErrors;
return errors === 0;
}
validate26.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};


function validate25(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate25.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.currency === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "currency"},message:"must have required property '"+"currency"+"'",schema:schema25.required,parentSchema:schema25,data};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
for(const key0 in data){
if(!(((key0 === "currency") || (key0 === "hourlyPrice")) || (key0 === "metered"))){
const err1 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties",schema:false,parentSchema:schema25,data};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
if(data.currency !== undefined){
let data0 = data.currency;
if(typeof data0 === "string"){
if(!pattern23.test(data0)){
const err2 = {instancePath:instancePath+"/currency",schemaPath:"#/properties/currency/pattern",keyword:"pattern",params:{pattern: "^[A-Z]{3}$"},message:"must match pattern \""+"^[A-Z]{3}$"+"\"",schema:"^[A-Z]{3}$",parentSchema:schema25.properties.currency,data:data0};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
else {
const err3 = {instancePath:instancePath+"/currency",schemaPath:"#/properties/currency/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema25.properties.currency.type,parentSchema:schema25.properties.currency,data:data0};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
if(data.hourlyPrice !== undefined){
let data1 = data.hourlyPrice;
const _errs6 = errors;
let valid2 = false;
let passing0 = null;
const _errs7 = errors;
if(typeof data1 === "string"){
if(!pattern24.test(data1)){
const err4 = {instancePath:instancePath+"/hourlyPrice",schemaPath:"#/$defs/money/oneOf/0/pattern",keyword:"pattern",params:{pattern: "^(0|[1-9][0-9]{0,11})(\\.[0-9]{1,6})?$"},message:"must match pattern \""+"^(0|[1-9][0-9]{0,11})(\\.[0-9]{1,6})?$"+"\"",schema:"^(0|[1-9][0-9]{0,11})(\\.[0-9]{1,6})?$",parentSchema:schema26.oneOf[0],data:data1};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
else {
const err5 = {instancePath:instancePath+"/hourlyPrice",schemaPath:"#/$defs/money/oneOf/0/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema26.oneOf[0].type,parentSchema:schema26.oneOf[0],data:data1};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
var _valid0 = _errs7 === errors;
if(_valid0){
valid2 = true;
passing0 = 0;
}
const _errs9 = errors;
if(data1 && typeof data1 == "object" && !Array.isArray(data1)){
if(data1.micros === undefined){
const err6 = {instancePath:instancePath+"/hourlyPrice",schemaPath:"#/$defs/money/oneOf/1/required",keyword:"required",params:{missingProperty: "micros"},message:"must have required property '"+"micros"+"'",schema:schema26.oneOf[1].required,parentSchema:schema26.oneOf[1],data:data1};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
for(const key1 in data1){
if(!(key1 === "micros")){
const err7 = {instancePath:instancePath+"/hourlyPrice",schemaPath:"#/$defs/money/oneOf/1/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties",schema:false,parentSchema:schema26.oneOf[1],data:data1};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
}
if(data1.micros !== undefined){
let data2 = data1.micros;
if(!(((typeof data2 == "number") && (!(data2 % 1) && !isNaN(data2))) && (isFinite(data2)))){
const err8 = {instancePath:instancePath+"/hourlyPrice/micros",schemaPath:"#/$defs/money/oneOf/1/properties/micros/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema26.oneOf[1].properties.micros.type,parentSchema:schema26.oneOf[1].properties.micros,data:data2};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
if((typeof data2 == "number") && (isFinite(data2))){
if(data2 < 0 || isNaN(data2)){
const err9 = {instancePath:instancePath+"/hourlyPrice/micros",schemaPath:"#/$defs/money/oneOf/1/properties/micros/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema26.oneOf[1].properties.micros,data:data2};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
}
}
else {
const err10 = {instancePath:instancePath+"/hourlyPrice",schemaPath:"#/$defs/money/oneOf/1/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema26.oneOf[1].type,parentSchema:schema26.oneOf[1],data:data1};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
var _valid0 = _errs9 === errors;
if(_valid0 && valid2){
valid2 = false;
passing0 = [passing0, 1];
}
else {
if(_valid0){
valid2 = true;
passing0 = 1;
}
}
if(!valid2){
const err11 = {instancePath:instancePath+"/hourlyPrice",schemaPath:"#/$defs/money/oneOf",keyword:"oneOf",params:{passingSchemas: passing0},message:"must match exactly one schema in oneOf",schema:schema26.oneOf,parentSchema:schema26,data:data1};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
else {
errors = _errs6;
if(vErrors !== null){
if(_errs6){
vErrors.length = _errs6;
}
else {
vErrors = null;
}
}
}
}
if(data.metered !== undefined){
let data3 = data.metered;
if(Array.isArray(data3)){
const len0 = data3.length;
for(let i0=0; i0<len0; i0++){
if(!(validate26(data3[i0], {instancePath:instancePath+"/metered/" + i0,parentData:data3,parentDataProperty:i0,rootData,dynamicAnchors}))){
vErrors = vErrors === null ? validate26.errors : vErrors.concat(validate26.errors);
errors = vErrors.length;
}
}
}
else {
const err12 = {instancePath:instancePath+"/metered",schemaPath:"#/properties/metered/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema25.properties.metered.type,parentSchema:schema25.properties.metered,data:data3};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
}
else {
const err13 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema25.type,parentSchema:schema25,data};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
validate25.errors = vErrors;
return errors === 0;
}
validate25.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};


function validate0(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
/*# sourceURL="https://schemas.gpuaas.dev/app/v1alpha1/gpuaas-app.schema.json" */;
let vErrors = null;
let errors = 0;
const evaluated0 = validate0.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.apiVersion === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "apiVersion"},message:"must have required property '"+"apiVersion"+"'",schema:schema0.required,parentSchema:schema0,data};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.name === undefined){
const err1 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "name"},message:"must have required property '"+"name"+"'",schema:schema0.required,parentSchema:schema0,data};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if(data.version === undefined){
const err2 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "version"},message:"must have required property '"+"version"+"'",schema:schema0.required,parentSchema:schema0,data};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
if(data.publisher === undefined){
const err3 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "publisher"},message:"must have required property '"+"publisher"+"'",schema:schema0.required,parentSchema:schema0,data};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
if(data.run === undefined){
const err4 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "run"},message:"must have required property '"+"run"+"'",schema:schema0.required,parentSchema:schema0,data};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
if(data.resources === undefined){
const err5 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "resources"},message:"must have required property '"+"resources"+"'",schema:schema0.required,parentSchema:schema0,data};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
for(const key0 in data){
if(!(func0.call(schema0.properties, key0))){
const err6 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties",schema:false,parentSchema:schema0,data};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
if(data.$schema !== undefined){
let data0 = data.$schema;
if(typeof data0 !== "string"){
const err7 = {instancePath:instancePath+"/$schema",schemaPath:"#/properties/%24schema/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema0.properties.$schema.type,parentSchema:schema0.properties.$schema,data:data0};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
}
if(data.apiVersion !== undefined){
let data1 = data.apiVersion;
if("gpuaas.dev/v1alpha1" !== data1){
const err8 = {instancePath:instancePath+"/apiVersion",schemaPath:"#/properties/apiVersion/const",keyword:"const",params:{allowedValue: "gpuaas.dev/v1alpha1"},message:"must be equal to constant",schema:"gpuaas.dev/v1alpha1",parentSchema:schema0.properties.apiVersion,data:data1};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
if(data.name !== undefined){
let data2 = data.name;
if(typeof data2 === "string"){
if(!pattern0.test(data2)){
const err9 = {instancePath:instancePath+"/name",schemaPath:"#/properties/name/pattern",keyword:"pattern",params:{pattern: "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"},message:"must match pattern \""+"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"+"\"",schema:"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$",parentSchema:schema0.properties.name,data:data2};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
else {
const err10 = {instancePath:instancePath+"/name",schemaPath:"#/properties/name/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema0.properties.name.type,parentSchema:schema0.properties.name,data:data2};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
if(data.version !== undefined){
let data3 = data.version;
if(typeof data3 === "string"){
if(!pattern1.test(data3)){
const err11 = {instancePath:instancePath+"/version",schemaPath:"#/properties/version/pattern",keyword:"pattern",params:{pattern: "^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$"},message:"must match pattern \""+"^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$"+"\"",schema:"^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$",parentSchema:schema0.properties.version,data:data3};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
else {
const err12 = {instancePath:instancePath+"/version",schemaPath:"#/properties/version/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema0.properties.version.type,parentSchema:schema0.properties.version,data:data3};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
if(data.publisher !== undefined){
let data4 = data.publisher;
if(typeof data4 === "string"){
if(!pattern0.test(data4)){
const err13 = {instancePath:instancePath+"/publisher",schemaPath:"#/properties/publisher/pattern",keyword:"pattern",params:{pattern: "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"},message:"must match pattern \""+"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"+"\"",schema:"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$",parentSchema:schema0.properties.publisher,data:data4};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
else {
const err14 = {instancePath:instancePath+"/publisher",schemaPath:"#/properties/publisher/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema0.properties.publisher.type,parentSchema:schema0.properties.publisher,data:data4};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
if(data.displayName !== undefined){
let data5 = data.displayName;
if(typeof data5 === "string"){
if(func1(data5) > 80){
const err15 = {instancePath:instancePath+"/displayName",schemaPath:"#/properties/displayName/maxLength",keyword:"maxLength",params:{limit: 80},message:"must NOT have more than 80 characters",schema:80,parentSchema:schema0.properties.displayName,data:data5};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
if(func1(data5) < 1){
const err16 = {instancePath:instancePath+"/displayName",schemaPath:"#/properties/displayName/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema0.properties.displayName,data:data5};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
else {
const err17 = {instancePath:instancePath+"/displayName",schemaPath:"#/properties/displayName/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema0.properties.displayName.type,parentSchema:schema0.properties.displayName,data:data5};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
}
if(data.description !== undefined){
let data6 = data.description;
if(typeof data6 === "string"){
if(func1(data6) > 2000){
const err18 = {instancePath:instancePath+"/description",schemaPath:"#/properties/description/maxLength",keyword:"maxLength",params:{limit: 2000},message:"must NOT have more than 2000 characters",schema:2000,parentSchema:schema0.properties.description,data:data6};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
}
else {
const err19 = {instancePath:instancePath+"/description",schemaPath:"#/properties/description/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema0.properties.description.type,parentSchema:schema0.properties.description,data:data6};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
}
if(data.icon !== undefined){
let data7 = data.icon;
if(typeof data7 !== "string"){
const err20 = {instancePath:instancePath+"/icon",schemaPath:"#/properties/icon/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema0.properties.icon.type,parentSchema:schema0.properties.icon,data:data7};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
}
if(data.categories !== undefined){
let data8 = data.categories;
if(Array.isArray(data8)){
if(data8.length > 8){
const err21 = {instancePath:instancePath+"/categories",schemaPath:"#/properties/categories/maxItems",keyword:"maxItems",params:{limit: 8},message:"must NOT have more than 8 items",schema:8,parentSchema:schema0.properties.categories,data:data8};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
const len0 = data8.length;
for(let i0=0; i0<len0; i0++){
let data9 = data8[i0];
if(typeof data9 !== "string"){
const err22 = {instancePath:instancePath+"/categories/" + i0,schemaPath:"#/properties/categories/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema0.properties.categories.items.type,parentSchema:schema0.properties.categories.items,data:data9};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
if(!((((((((((data9 === "inference") || (data9 === "training")) || (data9 === "fine-tuning")) || (data9 === "batch")) || (data9 === "notebook")) || (data9 === "data-processing")) || (data9 === "rendering")) || (data9 === "simulation")) || (data9 === "developer-tools")) || (data9 === "other"))){
const err23 = {instancePath:instancePath+"/categories/" + i0,schemaPath:"#/properties/categories/items/enum",keyword:"enum",params:{allowedValues: schema0.properties.categories.items.enum},message:"must be equal to one of the allowed values",schema:schema0.properties.categories.items.enum,parentSchema:schema0.properties.categories.items,data:data9};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
}
let i1 = data8.length;
let j0;
if(i1 > 1){
const indices0 = {};
for(;i1--;){
let item0 = data8[i1];
if(typeof item0 !== "string"){
continue;
}
if(typeof indices0[item0] == "number"){
j0 = indices0[item0];
const err24 = {instancePath:instancePath+"/categories",schemaPath:"#/properties/categories/uniqueItems",keyword:"uniqueItems",params:{i: i1, j: j0},message:"must NOT have duplicate items (items ## "+j0+" and "+i1+" are identical)",schema:true,parentSchema:schema0.properties.categories,data:data8};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
break;
}
indices0[item0] = i1;
}
}
}
else {
const err25 = {instancePath:instancePath+"/categories",schemaPath:"#/properties/categories/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema0.properties.categories.type,parentSchema:schema0.properties.categories,data:data8};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
}
if(data.license !== undefined){
let data10 = data.license;
if(typeof data10 === "string"){
if(!pattern3.test(data10)){
const err26 = {instancePath:instancePath+"/license",schemaPath:"#/properties/license/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9.+\\-() ]+$"},message:"must match pattern \""+"^[A-Za-z0-9.+\\-() ]+$"+"\"",schema:"^[A-Za-z0-9.+\\-() ]+$",parentSchema:schema0.properties.license,data:data10};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
}
else {
const err27 = {instancePath:instancePath+"/license",schemaPath:"#/properties/license/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema0.properties.license.type,parentSchema:schema0.properties.license,data:data10};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
}
if(data.source !== undefined){
let data11 = data.source;
if(typeof data11 === "string"){
if(!pattern4.test(data11)){
const err28 = {instancePath:instancePath+"/source",schemaPath:"#/properties/source/pattern",keyword:"pattern",params:{pattern: "^https?://"},message:"must match pattern \""+"^https?://"+"\"",schema:"^https?://",parentSchema:schema0.properties.source,data:data11};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
if(!(formats0(data11))){
const err29 = {instancePath:instancePath+"/source",schemaPath:"#/properties/source/format",keyword:"format",params:{format: "uri"},message:"must match format \""+"uri"+"\"",schema:"uri",parentSchema:schema0.properties.source,data:data11};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
}
else {
const err30 = {instancePath:instancePath+"/source",schemaPath:"#/properties/source/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema0.properties.source.type,parentSchema:schema0.properties.source,data:data11};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
}
if(data.run !== undefined){
if(!(validate1(data.run, {instancePath:instancePath+"/run",parentData:data,parentDataProperty:"run",rootData,dynamicAnchors}))){
vErrors = vErrors === null ? validate1.errors : vErrors.concat(validate1.errors);
errors = vErrors.length;
}
}
if(data.files !== undefined){
let data13 = data.files;
if(data13 && typeof data13 == "object" && !Array.isArray(data13)){
for(const key1 in data13){
if(!(((key1 === "include") || (key1 === "exclude")) || (key1 === "layers"))){
const err31 = {instancePath:instancePath+"/files",schemaPath:"#/$defs/files/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties",schema:false,parentSchema:schema3,data:data13};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
}
if(data13.include !== undefined){
let data14 = data13.include;
if(Array.isArray(data14)){
const len1 = data14.length;
for(let i2=0; i2<len1; i2++){
let data15 = data14[i2];
if(typeof data15 === "string"){
if(func1(data15) < 1){
const err32 = {instancePath:instancePath+"/files/include/" + i2,schemaPath:"#/$defs/files/properties/include/items/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema3.properties.include.items,data:data15};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
}
}
else {
const err33 = {instancePath:instancePath+"/files/include/" + i2,schemaPath:"#/$defs/files/properties/include/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema3.properties.include.items.type,parentSchema:schema3.properties.include.items,data:data15};
if(vErrors === null){
vErrors = [err33];
}
else {
vErrors.push(err33);
}
errors++;
}
}
}
else {
const err34 = {instancePath:instancePath+"/files/include",schemaPath:"#/$defs/files/properties/include/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema3.properties.include.type,parentSchema:schema3.properties.include,data:data14};
if(vErrors === null){
vErrors = [err34];
}
else {
vErrors.push(err34);
}
errors++;
}
}
if(data13.exclude !== undefined){
let data16 = data13.exclude;
if(Array.isArray(data16)){
const len2 = data16.length;
for(let i3=0; i3<len2; i3++){
let data17 = data16[i3];
if(typeof data17 === "string"){
if(func1(data17) < 1){
const err35 = {instancePath:instancePath+"/files/exclude/" + i3,schemaPath:"#/$defs/files/properties/exclude/items/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema3.properties.exclude.items,data:data17};
if(vErrors === null){
vErrors = [err35];
}
else {
vErrors.push(err35);
}
errors++;
}
}
else {
const err36 = {instancePath:instancePath+"/files/exclude/" + i3,schemaPath:"#/$defs/files/properties/exclude/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema3.properties.exclude.items.type,parentSchema:schema3.properties.exclude.items,data:data17};
if(vErrors === null){
vErrors = [err36];
}
else {
vErrors.push(err36);
}
errors++;
}
}
}
else {
const err37 = {instancePath:instancePath+"/files/exclude",schemaPath:"#/$defs/files/properties/exclude/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema3.properties.exclude.type,parentSchema:schema3.properties.exclude,data:data16};
if(vErrors === null){
vErrors = [err37];
}
else {
vErrors.push(err37);
}
errors++;
}
}
if(data13.layers !== undefined){
let data18 = data13.layers;
if(Array.isArray(data18)){
if(data18.length > 32){
const err38 = {instancePath:instancePath+"/files/layers",schemaPath:"#/$defs/files/properties/layers/maxItems",keyword:"maxItems",params:{limit: 32},message:"must NOT have more than 32 items",schema:32,parentSchema:schema3.properties.layers,data:data18};
if(vErrors === null){
vErrors = [err38];
}
else {
vErrors.push(err38);
}
errors++;
}
const len3 = data18.length;
for(let i4=0; i4<len3; i4++){
let data19 = data18[i4];
if(data19 && typeof data19 == "object" && !Array.isArray(data19)){
if(data19.name === undefined){
const err39 = {instancePath:instancePath+"/files/layers/" + i4,schemaPath:"#/$defs/files/properties/layers/items/required",keyword:"required",params:{missingProperty: "name"},message:"must have required property '"+"name"+"'",schema:schema3.properties.layers.items.required,parentSchema:schema3.properties.layers.items,data:data19};
if(vErrors === null){
vErrors = [err39];
}
else {
vErrors.push(err39);
}
errors++;
}
if(data19.include === undefined){
const err40 = {instancePath:instancePath+"/files/layers/" + i4,schemaPath:"#/$defs/files/properties/layers/items/required",keyword:"required",params:{missingProperty: "include"},message:"must have required property '"+"include"+"'",schema:schema3.properties.layers.items.required,parentSchema:schema3.properties.layers.items,data:data19};
if(vErrors === null){
vErrors = [err40];
}
else {
vErrors.push(err40);
}
errors++;
}
for(const key2 in data19){
if(!(((key2 === "name") || (key2 === "include")) || (key2 === "compress"))){
const err41 = {instancePath:instancePath+"/files/layers/" + i4,schemaPath:"#/$defs/files/properties/layers/items/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2},message:"must NOT have additional properties",schema:false,parentSchema:schema3.properties.layers.items,data:data19};
if(vErrors === null){
vErrors = [err41];
}
else {
vErrors.push(err41);
}
errors++;
}
}
if(data19.name !== undefined){
let data20 = data19.name;
if(typeof data20 === "string"){
if(!pattern0.test(data20)){
const err42 = {instancePath:instancePath+"/files/layers/" + i4+"/name",schemaPath:"#/$defs/files/properties/layers/items/properties/name/pattern",keyword:"pattern",params:{pattern: "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"},message:"must match pattern \""+"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"+"\"",schema:"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$",parentSchema:schema3.properties.layers.items.properties.name,data:data20};
if(vErrors === null){
vErrors = [err42];
}
else {
vErrors.push(err42);
}
errors++;
}
}
else {
const err43 = {instancePath:instancePath+"/files/layers/" + i4+"/name",schemaPath:"#/$defs/files/properties/layers/items/properties/name/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema3.properties.layers.items.properties.name.type,parentSchema:schema3.properties.layers.items.properties.name,data:data20};
if(vErrors === null){
vErrors = [err43];
}
else {
vErrors.push(err43);
}
errors++;
}
}
if(data19.include !== undefined){
let data21 = data19.include;
if(Array.isArray(data21)){
if(data21.length < 1){
const err44 = {instancePath:instancePath+"/files/layers/" + i4+"/include",schemaPath:"#/$defs/files/properties/layers/items/properties/include/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items",schema:1,parentSchema:schema3.properties.layers.items.properties.include,data:data21};
if(vErrors === null){
vErrors = [err44];
}
else {
vErrors.push(err44);
}
errors++;
}
const len4 = data21.length;
for(let i5=0; i5<len4; i5++){
let data22 = data21[i5];
if(typeof data22 === "string"){
if(func1(data22) < 1){
const err45 = {instancePath:instancePath+"/files/layers/" + i4+"/include/" + i5,schemaPath:"#/$defs/files/properties/layers/items/properties/include/items/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema3.properties.layers.items.properties.include.items,data:data22};
if(vErrors === null){
vErrors = [err45];
}
else {
vErrors.push(err45);
}
errors++;
}
}
else {
const err46 = {instancePath:instancePath+"/files/layers/" + i4+"/include/" + i5,schemaPath:"#/$defs/files/properties/layers/items/properties/include/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema3.properties.layers.items.properties.include.items.type,parentSchema:schema3.properties.layers.items.properties.include.items,data:data22};
if(vErrors === null){
vErrors = [err46];
}
else {
vErrors.push(err46);
}
errors++;
}
}
}
else {
const err47 = {instancePath:instancePath+"/files/layers/" + i4+"/include",schemaPath:"#/$defs/files/properties/layers/items/properties/include/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema3.properties.layers.items.properties.include.type,parentSchema:schema3.properties.layers.items.properties.include,data:data21};
if(vErrors === null){
vErrors = [err47];
}
else {
vErrors.push(err47);
}
errors++;
}
}
if(data19.compress !== undefined){
let data23 = data19.compress;
if(typeof data23 !== "boolean"){
const err48 = {instancePath:instancePath+"/files/layers/" + i4+"/compress",schemaPath:"#/$defs/files/properties/layers/items/properties/compress/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema3.properties.layers.items.properties.compress.type,parentSchema:schema3.properties.layers.items.properties.compress,data:data23};
if(vErrors === null){
vErrors = [err48];
}
else {
vErrors.push(err48);
}
errors++;
}
}
}
else {
const err49 = {instancePath:instancePath+"/files/layers/" + i4,schemaPath:"#/$defs/files/properties/layers/items/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema3.properties.layers.items.type,parentSchema:schema3.properties.layers.items,data:data19};
if(vErrors === null){
vErrors = [err49];
}
else {
vErrors.push(err49);
}
errors++;
}
}
}
else {
const err50 = {instancePath:instancePath+"/files/layers",schemaPath:"#/$defs/files/properties/layers/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema3.properties.layers.type,parentSchema:schema3.properties.layers,data:data18};
if(vErrors === null){
vErrors = [err50];
}
else {
vErrors.push(err50);
}
errors++;
}
}
}
else {
const err51 = {instancePath:instancePath+"/files",schemaPath:"#/$defs/files/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema3.type,parentSchema:schema3,data:data13};
if(vErrors === null){
vErrors = [err51];
}
else {
vErrors.push(err51);
}
errors++;
}
}
if(data.resources !== undefined){
if(!(validate3(data.resources, {instancePath:instancePath+"/resources",parentData:data,parentDataProperty:"resources",rootData,dynamicAnchors}))){
vErrors = vErrors === null ? validate3.errors : vErrors.concat(validate3.errors);
errors = vErrors.length;
}
}
if(data.endpoints !== undefined){
let data25 = data.endpoints;
if(Array.isArray(data25)){
if(data25.length > 16){
const err52 = {instancePath:instancePath+"/endpoints",schemaPath:"#/properties/endpoints/maxItems",keyword:"maxItems",params:{limit: 16},message:"must NOT have more than 16 items",schema:16,parentSchema:schema0.properties.endpoints,data:data25};
if(vErrors === null){
vErrors = [err52];
}
else {
vErrors.push(err52);
}
errors++;
}
const len5 = data25.length;
for(let i6=0; i6<len5; i6++){
if(!(validate8(data25[i6], {instancePath:instancePath+"/endpoints/" + i6,parentData:data25,parentDataProperty:i6,rootData,dynamicAnchors}))){
vErrors = vErrors === null ? validate8.errors : vErrors.concat(validate8.errors);
errors = vErrors.length;
}
}
}
else {
const err53 = {instancePath:instancePath+"/endpoints",schemaPath:"#/properties/endpoints/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema0.properties.endpoints.type,parentSchema:schema0.properties.endpoints,data:data25};
if(vErrors === null){
vErrors = [err53];
}
else {
vErrors.push(err53);
}
errors++;
}
}
if(data.parameters !== undefined){
let data27 = data.parameters;
if(data27 && typeof data27 == "object" && !Array.isArray(data27)){
for(const key3 in data27){
const _errs57 = errors;
if(typeof key3 === "string"){
if(!pattern12.test(key3)){
const err54 = {instancePath:instancePath+"/parameters",schemaPath:"#/properties/parameters/propertyNames/pattern",keyword:"pattern",params:{pattern: "^[a-z][a-z0-9_]{0,63}$"},message:"must match pattern \""+"^[a-z][a-z0-9_]{0,63}$"+"\"",schema:"^[a-z][a-z0-9_]{0,63}$",parentSchema:schema0.properties.parameters.propertyNames,data:key3,propertyName:key3};
if(vErrors === null){
vErrors = [err54];
}
else {
vErrors.push(err54);
}
errors++;
}
}
var valid17 = _errs57 === errors;
if(!valid17){
const err55 = {instancePath:instancePath+"/parameters",schemaPath:"#/properties/parameters/propertyNames",keyword:"propertyNames",params:{propertyName: key3},message:"property name must be valid",schema:schema0.properties.parameters.propertyNames,parentSchema:schema0.properties.parameters,data:data27};
if(vErrors === null){
vErrors = [err55];
}
else {
vErrors.push(err55);
}
errors++;
}
}
for(const key4 in data27){
let data28 = data27[key4];
if(data28 && typeof data28 == "object" && !Array.isArray(data28)){
if(data28.type === undefined){
const err56 = {instancePath:instancePath+"/parameters/" + key4.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/$defs/parameter/required",keyword:"required",params:{missingProperty: "type"},message:"must have required property '"+"type"+"'",schema:schema9.required,parentSchema:schema9,data:data28};
if(vErrors === null){
vErrors = [err56];
}
else {
vErrors.push(err56);
}
errors++;
}
for(const key5 in data28){
if(!(func0.call(schema9.properties, key5))){
const err57 = {instancePath:instancePath+"/parameters/" + key4.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/$defs/parameter/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key5},message:"must NOT have additional properties",schema:false,parentSchema:schema9,data:data28};
if(vErrors === null){
vErrors = [err57];
}
else {
vErrors.push(err57);
}
errors++;
}
}
if(data28.type !== undefined){
let data29 = data28.type;
if(typeof data29 !== "string"){
const err58 = {instancePath:instancePath+"/parameters/" + key4.replace(/~/g, "~0").replace(/\//g, "~1")+"/type",schemaPath:"#/$defs/parameter/properties/type/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema9.properties.type.type,parentSchema:schema9.properties.type,data:data29};
if(vErrors === null){
vErrors = [err58];
}
else {
vErrors.push(err58);
}
errors++;
}
if(!((((((data29 === "string") || (data29 === "number")) || (data29 === "integer")) || (data29 === "boolean")) || (data29 === "array")) || (data29 === "object"))){
const err59 = {instancePath:instancePath+"/parameters/" + key4.replace(/~/g, "~0").replace(/\//g, "~1")+"/type",schemaPath:"#/$defs/parameter/properties/type/enum",keyword:"enum",params:{allowedValues: schema9.properties.type.enum},message:"must be equal to one of the allowed values",schema:schema9.properties.type.enum,parentSchema:schema9.properties.type,data:data29};
if(vErrors === null){
vErrors = [err59];
}
else {
vErrors.push(err59);
}
errors++;
}
}
if(data28.title !== undefined){
let data30 = data28.title;
if(typeof data30 !== "string"){
const err60 = {instancePath:instancePath+"/parameters/" + key4.replace(/~/g, "~0").replace(/\//g, "~1")+"/title",schemaPath:"#/$defs/parameter/properties/title/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema9.properties.title.type,parentSchema:schema9.properties.title,data:data30};
if(vErrors === null){
vErrors = [err60];
}
else {
vErrors.push(err60);
}
errors++;
}
}
if(data28.description !== undefined){
let data31 = data28.description;
if(typeof data31 !== "string"){
const err61 = {instancePath:instancePath+"/parameters/" + key4.replace(/~/g, "~0").replace(/\//g, "~1")+"/description",schemaPath:"#/$defs/parameter/properties/description/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema9.properties.description.type,parentSchema:schema9.properties.description,data:data31};
if(vErrors === null){
vErrors = [err61];
}
else {
vErrors.push(err61);
}
errors++;
}
}
if(data28.default !== undefined){
let data32 = data28.default;
const _errs70 = errors;
let valid21 = false;
const _errs71 = errors;
if(typeof data32 !== "string"){
const err62 = {instancePath:instancePath+"/parameters/" + key4.replace(/~/g, "~0").replace(/\//g, "~1")+"/default",schemaPath:"#/$defs/parameter/properties/default/anyOf/0/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema9.properties.default.anyOf[0].type,parentSchema:schema9.properties.default.anyOf[0],data:data32};
if(vErrors === null){
vErrors = [err62];
}
else {
vErrors.push(err62);
}
errors++;
}
var _valid0 = _errs71 === errors;
valid21 = valid21 || _valid0;
const _errs73 = errors;
if(!((typeof data32 == "number") && (isFinite(data32)))){
const err63 = {instancePath:instancePath+"/parameters/" + key4.replace(/~/g, "~0").replace(/\//g, "~1")+"/default",schemaPath:"#/$defs/parameter/properties/default/anyOf/1/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema9.properties.default.anyOf[1].type,parentSchema:schema9.properties.default.anyOf[1],data:data32};
if(vErrors === null){
vErrors = [err63];
}
else {
vErrors.push(err63);
}
errors++;
}
var _valid0 = _errs73 === errors;
valid21 = valid21 || _valid0;
const _errs75 = errors;
if(typeof data32 !== "boolean"){
const err64 = {instancePath:instancePath+"/parameters/" + key4.replace(/~/g, "~0").replace(/\//g, "~1")+"/default",schemaPath:"#/$defs/parameter/properties/default/anyOf/2/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema9.properties.default.anyOf[2].type,parentSchema:schema9.properties.default.anyOf[2],data:data32};
if(vErrors === null){
vErrors = [err64];
}
else {
vErrors.push(err64);
}
errors++;
}
var _valid0 = _errs75 === errors;
valid21 = valid21 || _valid0;
const _errs77 = errors;
if(!(Array.isArray(data32))){
const err65 = {instancePath:instancePath+"/parameters/" + key4.replace(/~/g, "~0").replace(/\//g, "~1")+"/default",schemaPath:"#/$defs/parameter/properties/default/anyOf/3/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema9.properties.default.anyOf[3].type,parentSchema:schema9.properties.default.anyOf[3],data:data32};
if(vErrors === null){
vErrors = [err65];
}
else {
vErrors.push(err65);
}
errors++;
}
var _valid0 = _errs77 === errors;
valid21 = valid21 || _valid0;
const _errs79 = errors;
if(!(data32 && typeof data32 == "object" && !Array.isArray(data32))){
const err66 = {instancePath:instancePath+"/parameters/" + key4.replace(/~/g, "~0").replace(/\//g, "~1")+"/default",schemaPath:"#/$defs/parameter/properties/default/anyOf/4/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema9.properties.default.anyOf[4].type,parentSchema:schema9.properties.default.anyOf[4],data:data32};
if(vErrors === null){
vErrors = [err66];
}
else {
vErrors.push(err66);
}
errors++;
}
var _valid0 = _errs79 === errors;
valid21 = valid21 || _valid0;
if(!valid21){
const err67 = {instancePath:instancePath+"/parameters/" + key4.replace(/~/g, "~0").replace(/\//g, "~1")+"/default",schemaPath:"#/$defs/parameter/properties/default/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf",schema:schema9.properties.default.anyOf,parentSchema:schema9.properties.default,data:data32};
if(vErrors === null){
vErrors = [err67];
}
else {
vErrors.push(err67);
}
errors++;
}
else {
errors = _errs70;
if(vErrors !== null){
if(_errs70){
vErrors.length = _errs70;
}
else {
vErrors = null;
}
}
}
}
if(data28.enum !== undefined){
let data33 = data28.enum;
if(Array.isArray(data33)){
if(data33.length < 1){
const err68 = {instancePath:instancePath+"/parameters/" + key4.replace(/~/g, "~0").replace(/\//g, "~1")+"/enum",schemaPath:"#/$defs/parameter/properties/enum/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items",schema:1,parentSchema:schema9.properties.enum,data:data33};
if(vErrors === null){
vErrors = [err68];
}
else {
vErrors.push(err68);
}
errors++;
}
}
else {
const err69 = {instancePath:instancePath+"/parameters/" + key4.replace(/~/g, "~0").replace(/\//g, "~1")+"/enum",schemaPath:"#/$defs/parameter/properties/enum/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema9.properties.enum.type,parentSchema:schema9.properties.enum,data:data33};
if(vErrors === null){
vErrors = [err69];
}
else {
vErrors.push(err69);
}
errors++;
}
}
if(data28.minimum !== undefined){
let data34 = data28.minimum;
if(!((typeof data34 == "number") && (isFinite(data34)))){
const err70 = {instancePath:instancePath+"/parameters/" + key4.replace(/~/g, "~0").replace(/\//g, "~1")+"/minimum",schemaPath:"#/$defs/parameter/properties/minimum/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema9.properties.minimum.type,parentSchema:schema9.properties.minimum,data:data34};
if(vErrors === null){
vErrors = [err70];
}
else {
vErrors.push(err70);
}
errors++;
}
}
if(data28.maximum !== undefined){
let data35 = data28.maximum;
if(!((typeof data35 == "number") && (isFinite(data35)))){
const err71 = {instancePath:instancePath+"/parameters/" + key4.replace(/~/g, "~0").replace(/\//g, "~1")+"/maximum",schemaPath:"#/$defs/parameter/properties/maximum/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema9.properties.maximum.type,parentSchema:schema9.properties.maximum,data:data35};
if(vErrors === null){
vErrors = [err71];
}
else {
vErrors.push(err71);
}
errors++;
}
}
if(data28.minLength !== undefined){
let data36 = data28.minLength;
if(!(((typeof data36 == "number") && (!(data36 % 1) && !isNaN(data36))) && (isFinite(data36)))){
const err72 = {instancePath:instancePath+"/parameters/" + key4.replace(/~/g, "~0").replace(/\//g, "~1")+"/minLength",schemaPath:"#/$defs/parameter/properties/minLength/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema9.properties.minLength.type,parentSchema:schema9.properties.minLength,data:data36};
if(vErrors === null){
vErrors = [err72];
}
else {
vErrors.push(err72);
}
errors++;
}
if((typeof data36 == "number") && (isFinite(data36))){
if(data36 < 0 || isNaN(data36)){
const err73 = {instancePath:instancePath+"/parameters/" + key4.replace(/~/g, "~0").replace(/\//g, "~1")+"/minLength",schemaPath:"#/$defs/parameter/properties/minLength/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema9.properties.minLength,data:data36};
if(vErrors === null){
vErrors = [err73];
}
else {
vErrors.push(err73);
}
errors++;
}
}
}
if(data28.maxLength !== undefined){
let data37 = data28.maxLength;
if(!(((typeof data37 == "number") && (!(data37 % 1) && !isNaN(data37))) && (isFinite(data37)))){
const err74 = {instancePath:instancePath+"/parameters/" + key4.replace(/~/g, "~0").replace(/\//g, "~1")+"/maxLength",schemaPath:"#/$defs/parameter/properties/maxLength/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema9.properties.maxLength.type,parentSchema:schema9.properties.maxLength,data:data37};
if(vErrors === null){
vErrors = [err74];
}
else {
vErrors.push(err74);
}
errors++;
}
if((typeof data37 == "number") && (isFinite(data37))){
if(data37 < 0 || isNaN(data37)){
const err75 = {instancePath:instancePath+"/parameters/" + key4.replace(/~/g, "~0").replace(/\//g, "~1")+"/maxLength",schemaPath:"#/$defs/parameter/properties/maxLength/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema9.properties.maxLength,data:data37};
if(vErrors === null){
vErrors = [err75];
}
else {
vErrors.push(err75);
}
errors++;
}
}
}
if(data28.pattern !== undefined){
let data38 = data28.pattern;
if(typeof data38 === "string"){
if(!(formats2(data38))){
const err76 = {instancePath:instancePath+"/parameters/" + key4.replace(/~/g, "~0").replace(/\//g, "~1")+"/pattern",schemaPath:"#/$defs/parameter/properties/pattern/format",keyword:"format",params:{format: "regex"},message:"must match format \""+"regex"+"\"",schema:"regex",parentSchema:schema9.properties.pattern,data:data38};
if(vErrors === null){
vErrors = [err76];
}
else {
vErrors.push(err76);
}
errors++;
}
}
else {
const err77 = {instancePath:instancePath+"/parameters/" + key4.replace(/~/g, "~0").replace(/\//g, "~1")+"/pattern",schemaPath:"#/$defs/parameter/properties/pattern/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema9.properties.pattern.type,parentSchema:schema9.properties.pattern,data:data38};
if(vErrors === null){
vErrors = [err77];
}
else {
vErrors.push(err77);
}
errors++;
}
}
if(data28.format !== undefined){
let data39 = data28.format;
if(typeof data39 !== "string"){
const err78 = {instancePath:instancePath+"/parameters/" + key4.replace(/~/g, "~0").replace(/\//g, "~1")+"/format",schemaPath:"#/$defs/parameter/properties/format/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema9.properties.format.type,parentSchema:schema9.properties.format,data:data39};
if(vErrors === null){
vErrors = [err78];
}
else {
vErrors.push(err78);
}
errors++;
}
if(!(((((data39 === "uri") || (data39 === "email")) || (data39 === "hostname")) || (data39 === "date-time")) || (data39 === "uuid"))){
const err79 = {instancePath:instancePath+"/parameters/" + key4.replace(/~/g, "~0").replace(/\//g, "~1")+"/format",schemaPath:"#/$defs/parameter/properties/format/enum",keyword:"enum",params:{allowedValues: schema9.properties.format.enum},message:"must be equal to one of the allowed values",schema:schema9.properties.format.enum,parentSchema:schema9.properties.format,data:data39};
if(vErrors === null){
vErrors = [err79];
}
else {
vErrors.push(err79);
}
errors++;
}
}
if(data28.items !== undefined){
let data40 = data28.items;
if(!(data40 && typeof data40 == "object" && !Array.isArray(data40))){
const err80 = {instancePath:instancePath+"/parameters/" + key4.replace(/~/g, "~0").replace(/\//g, "~1")+"/items",schemaPath:"#/$defs/parameter/properties/items/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema9.properties.items.type,parentSchema:schema9.properties.items,data:data40};
if(vErrors === null){
vErrors = [err80];
}
else {
vErrors.push(err80);
}
errors++;
}
}
if(data28.minItems !== undefined){
let data41 = data28.minItems;
if(!(((typeof data41 == "number") && (!(data41 % 1) && !isNaN(data41))) && (isFinite(data41)))){
const err81 = {instancePath:instancePath+"/parameters/" + key4.replace(/~/g, "~0").replace(/\//g, "~1")+"/minItems",schemaPath:"#/$defs/parameter/properties/minItems/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema9.properties.minItems.type,parentSchema:schema9.properties.minItems,data:data41};
if(vErrors === null){
vErrors = [err81];
}
else {
vErrors.push(err81);
}
errors++;
}
if((typeof data41 == "number") && (isFinite(data41))){
if(data41 < 0 || isNaN(data41)){
const err82 = {instancePath:instancePath+"/parameters/" + key4.replace(/~/g, "~0").replace(/\//g, "~1")+"/minItems",schemaPath:"#/$defs/parameter/properties/minItems/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema9.properties.minItems,data:data41};
if(vErrors === null){
vErrors = [err82];
}
else {
vErrors.push(err82);
}
errors++;
}
}
}
if(data28.maxItems !== undefined){
let data42 = data28.maxItems;
if(!(((typeof data42 == "number") && (!(data42 % 1) && !isNaN(data42))) && (isFinite(data42)))){
const err83 = {instancePath:instancePath+"/parameters/" + key4.replace(/~/g, "~0").replace(/\//g, "~1")+"/maxItems",schemaPath:"#/$defs/parameter/properties/maxItems/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema9.properties.maxItems.type,parentSchema:schema9.properties.maxItems,data:data42};
if(vErrors === null){
vErrors = [err83];
}
else {
vErrors.push(err83);
}
errors++;
}
if((typeof data42 == "number") && (isFinite(data42))){
if(data42 < 0 || isNaN(data42)){
const err84 = {instancePath:instancePath+"/parameters/" + key4.replace(/~/g, "~0").replace(/\//g, "~1")+"/maxItems",schemaPath:"#/$defs/parameter/properties/maxItems/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema9.properties.maxItems,data:data42};
if(vErrors === null){
vErrors = [err84];
}
else {
vErrors.push(err84);
}
errors++;
}
}
}
if(data28.properties !== undefined){
let data43 = data28.properties;
if(!(data43 && typeof data43 == "object" && !Array.isArray(data43))){
const err85 = {instancePath:instancePath+"/parameters/" + key4.replace(/~/g, "~0").replace(/\//g, "~1")+"/properties",schemaPath:"#/$defs/parameter/properties/properties/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema9.properties.properties.type,parentSchema:schema9.properties.properties,data:data43};
if(vErrors === null){
vErrors = [err85];
}
else {
vErrors.push(err85);
}
errors++;
}
}
if(data28.required !== undefined){
let data44 = data28.required;
if(Array.isArray(data44)){
const len6 = data44.length;
for(let i7=0; i7<len6; i7++){
let data45 = data44[i7];
if(typeof data45 !== "string"){
const err86 = {instancePath:instancePath+"/parameters/" + key4.replace(/~/g, "~0").replace(/\//g, "~1")+"/required/" + i7,schemaPath:"#/$defs/parameter/properties/required/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema9.properties.required.items.type,parentSchema:schema9.properties.required.items,data:data45};
if(vErrors === null){
vErrors = [err86];
}
else {
vErrors.push(err86);
}
errors++;
}
}
}
else {
const err87 = {instancePath:instancePath+"/parameters/" + key4.replace(/~/g, "~0").replace(/\//g, "~1")+"/required",schemaPath:"#/$defs/parameter/properties/required/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema9.properties.required.type,parentSchema:schema9.properties.required,data:data44};
if(vErrors === null){
vErrors = [err87];
}
else {
vErrors.push(err87);
}
errors++;
}
}
if(data28.secret !== undefined){
let data46 = data28.secret;
if(typeof data46 !== "boolean"){
const err88 = {instancePath:instancePath+"/parameters/" + key4.replace(/~/g, "~0").replace(/\//g, "~1")+"/secret",schemaPath:"#/$defs/parameter/properties/secret/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema9.properties.secret.type,parentSchema:schema9.properties.secret,data:data46};
if(vErrors === null){
vErrors = [err88];
}
else {
vErrors.push(err88);
}
errors++;
}
}
if(data28.mutable !== undefined){
let data47 = data28.mutable;
if(typeof data47 !== "boolean"){
const err89 = {instancePath:instancePath+"/parameters/" + key4.replace(/~/g, "~0").replace(/\//g, "~1")+"/mutable",schemaPath:"#/$defs/parameter/properties/mutable/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema9.properties.mutable.type,parentSchema:schema9.properties.mutable,data:data47};
if(vErrors === null){
vErrors = [err89];
}
else {
vErrors.push(err89);
}
errors++;
}
}
}
else {
const err90 = {instancePath:instancePath+"/parameters/" + key4.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/$defs/parameter/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema9.type,parentSchema:schema9,data:data28};
if(vErrors === null){
vErrors = [err90];
}
else {
vErrors.push(err90);
}
errors++;
}
}
}
else {
const err91 = {instancePath:instancePath+"/parameters",schemaPath:"#/properties/parameters/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema0.properties.parameters.type,parentSchema:schema0.properties.parameters,data:data27};
if(vErrors === null){
vErrors = [err91];
}
else {
vErrors.push(err91);
}
errors++;
}
}
if(data.meters !== undefined){
let data48 = data.meters;
if(Array.isArray(data48)){
if(data48.length > 32){
const err92 = {instancePath:instancePath+"/meters",schemaPath:"#/properties/meters/maxItems",keyword:"maxItems",params:{limit: 32},message:"must NOT have more than 32 items",schema:32,parentSchema:schema0.properties.meters,data:data48};
if(vErrors === null){
vErrors = [err92];
}
else {
vErrors.push(err92);
}
errors++;
}
const len7 = data48.length;
for(let i8=0; i8<len7; i8++){
let data49 = data48[i8];
if(data49 && typeof data49 == "object" && !Array.isArray(data49)){
if(data49.name === undefined){
const err93 = {instancePath:instancePath+"/meters/" + i8,schemaPath:"#/$defs/meter/required",keyword:"required",params:{missingProperty: "name"},message:"must have required property '"+"name"+"'",schema:schema10.required,parentSchema:schema10,data:data49};
if(vErrors === null){
vErrors = [err93];
}
else {
vErrors.push(err93);
}
errors++;
}
if(data49.unit === undefined){
const err94 = {instancePath:instancePath+"/meters/" + i8,schemaPath:"#/$defs/meter/required",keyword:"required",params:{missingProperty: "unit"},message:"must have required property '"+"unit"+"'",schema:schema10.required,parentSchema:schema10,data:data49};
if(vErrors === null){
vErrors = [err94];
}
else {
vErrors.push(err94);
}
errors++;
}
if(data49.aggregation === undefined){
const err95 = {instancePath:instancePath+"/meters/" + i8,schemaPath:"#/$defs/meter/required",keyword:"required",params:{missingProperty: "aggregation"},message:"must have required property '"+"aggregation"+"'",schema:schema10.required,parentSchema:schema10,data:data49};
if(vErrors === null){
vErrors = [err95];
}
else {
vErrors.push(err95);
}
errors++;
}
for(const key6 in data49){
if(!((((key6 === "name") || (key6 === "unit")) || (key6 === "aggregation")) || (key6 === "description"))){
const err96 = {instancePath:instancePath+"/meters/" + i8,schemaPath:"#/$defs/meter/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key6},message:"must NOT have additional properties",schema:false,parentSchema:schema10,data:data49};
if(vErrors === null){
vErrors = [err96];
}
else {
vErrors.push(err96);
}
errors++;
}
}
if(data49.name !== undefined){
let data50 = data49.name;
if(typeof data50 === "string"){
if(!pattern12.test(data50)){
const err97 = {instancePath:instancePath+"/meters/" + i8+"/name",schemaPath:"#/$defs/meter/properties/name/pattern",keyword:"pattern",params:{pattern: "^[a-z][a-z0-9_]{0,63}$"},message:"must match pattern \""+"^[a-z][a-z0-9_]{0,63}$"+"\"",schema:"^[a-z][a-z0-9_]{0,63}$",parentSchema:schema10.properties.name,data:data50};
if(vErrors === null){
vErrors = [err97];
}
else {
vErrors.push(err97);
}
errors++;
}
}
else {
const err98 = {instancePath:instancePath+"/meters/" + i8+"/name",schemaPath:"#/$defs/meter/properties/name/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema10.properties.name.type,parentSchema:schema10.properties.name,data:data50};
if(vErrors === null){
vErrors = [err98];
}
else {
vErrors.push(err98);
}
errors++;
}
}
if(data49.unit !== undefined){
let data51 = data49.unit;
if(typeof data51 === "string"){
if(func1(data51) > 32){
const err99 = {instancePath:instancePath+"/meters/" + i8+"/unit",schemaPath:"#/$defs/meter/properties/unit/maxLength",keyword:"maxLength",params:{limit: 32},message:"must NOT have more than 32 characters",schema:32,parentSchema:schema10.properties.unit,data:data51};
if(vErrors === null){
vErrors = [err99];
}
else {
vErrors.push(err99);
}
errors++;
}
if(func1(data51) < 1){
const err100 = {instancePath:instancePath+"/meters/" + i8+"/unit",schemaPath:"#/$defs/meter/properties/unit/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema10.properties.unit,data:data51};
if(vErrors === null){
vErrors = [err100];
}
else {
vErrors.push(err100);
}
errors++;
}
}
else {
const err101 = {instancePath:instancePath+"/meters/" + i8+"/unit",schemaPath:"#/$defs/meter/properties/unit/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema10.properties.unit.type,parentSchema:schema10.properties.unit,data:data51};
if(vErrors === null){
vErrors = [err101];
}
else {
vErrors.push(err101);
}
errors++;
}
}
if(data49.aggregation !== undefined){
let data52 = data49.aggregation;
if(typeof data52 !== "string"){
const err102 = {instancePath:instancePath+"/meters/" + i8+"/aggregation",schemaPath:"#/$defs/meter/properties/aggregation/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema10.properties.aggregation.type,parentSchema:schema10.properties.aggregation,data:data52};
if(vErrors === null){
vErrors = [err102];
}
else {
vErrors.push(err102);
}
errors++;
}
if(!((((data52 === "sum") || (data52 === "max")) || (data52 === "count")) || (data52 === "unique"))){
const err103 = {instancePath:instancePath+"/meters/" + i8+"/aggregation",schemaPath:"#/$defs/meter/properties/aggregation/enum",keyword:"enum",params:{allowedValues: schema10.properties.aggregation.enum},message:"must be equal to one of the allowed values",schema:schema10.properties.aggregation.enum,parentSchema:schema10.properties.aggregation,data:data52};
if(vErrors === null){
vErrors = [err103];
}
else {
vErrors.push(err103);
}
errors++;
}
}
if(data49.description !== undefined){
let data53 = data49.description;
if(typeof data53 !== "string"){
const err104 = {instancePath:instancePath+"/meters/" + i8+"/description",schemaPath:"#/$defs/meter/properties/description/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema10.properties.description.type,parentSchema:schema10.properties.description,data:data53};
if(vErrors === null){
vErrors = [err104];
}
else {
vErrors.push(err104);
}
errors++;
}
}
}
else {
const err105 = {instancePath:instancePath+"/meters/" + i8,schemaPath:"#/$defs/meter/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema10.type,parentSchema:schema10,data:data49};
if(vErrors === null){
vErrors = [err105];
}
else {
vErrors.push(err105);
}
errors++;
}
}
}
else {
const err106 = {instancePath:instancePath+"/meters",schemaPath:"#/properties/meters/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema0.properties.meters.type,parentSchema:schema0.properties.meters,data:data48};
if(vErrors === null){
vErrors = [err106];
}
else {
vErrors.push(err106);
}
errors++;
}
}
if(data.hooks !== undefined){
if(!(validate10(data.hooks, {instancePath:instancePath+"/hooks",parentData:data,parentDataProperty:"hooks",rootData,dynamicAnchors}))){
vErrors = vErrors === null ? validate10.errors : vErrors.concat(validate10.errors);
errors = vErrors.length;
}
}
if(data.health !== undefined){
if(!(validate19(data.health, {instancePath:instancePath+"/health",parentData:data,parentDataProperty:"health",rootData,dynamicAnchors}))){
vErrors = vErrors === null ? validate19.errors : vErrors.concat(validate19.errors);
errors = vErrors.length;
}
}
if(data.billing !== undefined){
if(!(validate25(data.billing, {instancePath:instancePath+"/billing",parentData:data,parentDataProperty:"billing",rootData,dynamicAnchors}))){
vErrors = vErrors === null ? validate25.errors : vErrors.concat(validate25.errors);
errors = vErrors.length;
}
}
if(data.permissions !== undefined){
let data57 = data.permissions;
if(data57 && typeof data57 == "object" && !Array.isArray(data57)){
for(const key7 in data57){
if(!(key7 === "scopes")){
const err107 = {instancePath:instancePath+"/permissions",schemaPath:"#/$defs/permissions/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key7},message:"must NOT have additional properties",schema:false,parentSchema:schema29,data:data57};
if(vErrors === null){
vErrors = [err107];
}
else {
vErrors.push(err107);
}
errors++;
}
}
if(data57.scopes !== undefined){
let data58 = data57.scopes;
if(Array.isArray(data58)){
const len8 = data58.length;
for(let i9=0; i9<len8; i9++){
let data59 = data58[i9];
if(typeof data59 !== "string"){
const err108 = {instancePath:instancePath+"/permissions/scopes/" + i9,schemaPath:"#/$defs/permissions/properties/scopes/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema29.properties.scopes.items.type,parentSchema:schema29.properties.scopes.items,data:data59};
if(vErrors === null){
vErrors = [err108];
}
else {
vErrors.push(err108);
}
errors++;
}
if(!((((((((data59 === "storage:read") || (data59 === "storage:write")) || (data59 === "usage:write")) || (data59 === "apps:read")) || (data59 === "allocations:read")) || (data59 === "projects:read")) || (data59 === "audit:read")) || (data59 === "billing:read"))){
const err109 = {instancePath:instancePath+"/permissions/scopes/" + i9,schemaPath:"#/$defs/permissions/properties/scopes/items/enum",keyword:"enum",params:{allowedValues: schema29.properties.scopes.items.enum},message:"must be equal to one of the allowed values",schema:schema29.properties.scopes.items.enum,parentSchema:schema29.properties.scopes.items,data:data59};
if(vErrors === null){
vErrors = [err109];
}
else {
vErrors.push(err109);
}
errors++;
}
}
let i10 = data58.length;
let j1;
if(i10 > 1){
const indices1 = {};
for(;i10--;){
let item1 = data58[i10];
if(typeof item1 !== "string"){
continue;
}
if(typeof indices1[item1] == "number"){
j1 = indices1[item1];
const err110 = {instancePath:instancePath+"/permissions/scopes",schemaPath:"#/$defs/permissions/properties/scopes/uniqueItems",keyword:"uniqueItems",params:{i: i10, j: j1},message:"must NOT have duplicate items (items ## "+j1+" and "+i10+" are identical)",schema:true,parentSchema:schema29.properties.scopes,data:data58};
if(vErrors === null){
vErrors = [err110];
}
else {
vErrors.push(err110);
}
errors++;
break;
}
indices1[item1] = i10;
}
}
}
else {
const err111 = {instancePath:instancePath+"/permissions/scopes",schemaPath:"#/$defs/permissions/properties/scopes/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema29.properties.scopes.type,parentSchema:schema29.properties.scopes,data:data58};
if(vErrors === null){
vErrors = [err111];
}
else {
vErrors.push(err111);
}
errors++;
}
}
}
else {
const err112 = {instancePath:instancePath+"/permissions",schemaPath:"#/$defs/permissions/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema29.type,parentSchema:schema29,data:data57};
if(vErrors === null){
vErrors = [err112];
}
else {
vErrors.push(err112);
}
errors++;
}
}
if(data.compatibility !== undefined){
let data60 = data.compatibility;
if(data60 && typeof data60 == "object" && !Array.isArray(data60)){
for(const key8 in data60){
if(!((key8 === "runtime") || (key8 === "cuda"))){
const err113 = {instancePath:instancePath+"/compatibility",schemaPath:"#/$defs/compatibility/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key8},message:"must NOT have additional properties",schema:false,parentSchema:schema30,data:data60};
if(vErrors === null){
vErrors = [err113];
}
else {
vErrors.push(err113);
}
errors++;
}
}
if(data60.runtime !== undefined){
let data61 = data60.runtime;
if(typeof data61 === "string"){
if(!pattern26.test(data61)){
const err114 = {instancePath:instancePath+"/compatibility/runtime",schemaPath:"#/$defs/compatibility/properties/runtime/pattern",keyword:"pattern",params:{pattern: "^[\\^~<>=*xX0-9. |-]+$"},message:"must match pattern \""+"^[\\^~<>=*xX0-9. |-]+$"+"\"",schema:"^[\\^~<>=*xX0-9. |-]+$",parentSchema:schema30.properties.runtime,data:data61};
if(vErrors === null){
vErrors = [err114];
}
else {
vErrors.push(err114);
}
errors++;
}
}
else {
const err115 = {instancePath:instancePath+"/compatibility/runtime",schemaPath:"#/$defs/compatibility/properties/runtime/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema30.properties.runtime.type,parentSchema:schema30.properties.runtime,data:data61};
if(vErrors === null){
vErrors = [err115];
}
else {
vErrors.push(err115);
}
errors++;
}
}
if(data60.cuda !== undefined){
let data62 = data60.cuda;
if(typeof data62 === "string"){
if(!pattern26.test(data62)){
const err116 = {instancePath:instancePath+"/compatibility/cuda",schemaPath:"#/$defs/compatibility/properties/cuda/pattern",keyword:"pattern",params:{pattern: "^[\\^~<>=*xX0-9. |-]+$"},message:"must match pattern \""+"^[\\^~<>=*xX0-9. |-]+$"+"\"",schema:"^[\\^~<>=*xX0-9. |-]+$",parentSchema:schema30.properties.cuda,data:data62};
if(vErrors === null){
vErrors = [err116];
}
else {
vErrors.push(err116);
}
errors++;
}
}
else {
const err117 = {instancePath:instancePath+"/compatibility/cuda",schemaPath:"#/$defs/compatibility/properties/cuda/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema30.properties.cuda.type,parentSchema:schema30.properties.cuda,data:data62};
if(vErrors === null){
vErrors = [err117];
}
else {
vErrors.push(err117);
}
errors++;
}
}
}
else {
const err118 = {instancePath:instancePath+"/compatibility",schemaPath:"#/$defs/compatibility/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema30.type,parentSchema:schema30,data:data60};
if(vErrors === null){
vErrors = [err118];
}
else {
vErrors.push(err118);
}
errors++;
}
}
}
else {
const err119 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema0.type,parentSchema:schema0,data};
if(vErrors === null){
vErrors = [err119];
}
else {
vErrors.push(err119);
}
errors++;
}
validate0.errors = vErrors;
return errors === 0;
}
validate0.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};

