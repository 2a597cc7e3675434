-- Argo CD health check for modeloperator.io/ModelDeployment.
-- Install it under resource.customizations.health.modeloperator.io_ModelDeployment in argocd-cm
-- (see deploy/argocd/README.md). It reads only .metadata.generation, .spec.paused and .status,
-- which the operator owns, so Argo CD shows what the operator decided:
--   Healthy      the model is served by its stable revision and nothing is rolling out (a bake
--                that ended without a passing analysis run says so in the message)
--   Progressing  a canary is stepping through its rollout (a shadow step included: the canary answers
--                copies of stable's requests, no user), a promoted revision is baking, or the
--                operator has not caught up yet
--   Suspended    the rollout is paused (spec.paused, a pause step without a duration, an
--                analysis that waits for enough traffic, or a confirm webhook that has not
--                answered 2xx yet: reason WaitingForConfirmation); a check webhook still running
--                is Progressing
--   Degraded     the canary was rolled back, the deployment is unhealthy, or the spec is invalid
local hs = {}

local function condition(status, type)
  if status.conditions == nil then
    return nil
  end
  for _, c in ipairs(status.conditions) do
    if c.type == type then
      return c
    end
  end
  return nil
end

local function with_message(text, c)
  if c ~= nil and c.message ~= nil and c.message ~= "" then
    return text .. ": " .. c.message
  end
  return text
end

-- The condition that explains a bad state: Degraded while it is True, else Ready while it is not True.
-- (In a Degraded phase caused by pods that are not ready, the Degraded condition is False and says
-- "nothing needs a person"; quoting it would mislead.)
local function problem(status)
  local degraded = condition(status, "Degraded")
  if degraded ~= nil and degraded.status == "True" then
    return degraded
  end
  local ready = condition(status, "Ready")
  if ready ~= nil and ready.status ~= "True" then
    return ready
  end
  return nil
end

-- The model version that was rolled back. Once rolled back, the canary is gone from status
-- (canaryRevision is absent); the quarantined revisions, newest last, still name it.
local function rolled_back_version(status)
  if status.canaryRevision ~= nil and status.canaryRevision.modelVersion ~= nil then
    return status.canaryRevision.modelVersion
  end
  local quarantined = status.quarantinedRevisions
  if quarantined ~= nil and #quarantined > 0 then
    return quarantined[#quarantined].modelVersion
  end
  return nil
end

-- The shadow step the canary is at ({percent, duration}), or nil.
local function shadow_step(status)
  local steps = obj.spec and obj.spec.rollout and obj.spec.rollout.steps or nil
  if steps == nil or status.canaryRevision == nil or status.currentStepIndex == nil then
    return nil
  end
  local step = steps[status.currentStepIndex + 1]
  return step and step.shadow or nil
end

-- A share (0.004) as a percentage with at most two decimals ("0.4").
local function percent(share)
  local text = string.format("%.2f", share * 100)
  text = (text:gsub("0+$", ""))
  return (text:gsub("%.$", ""))
end

-- ", shadow 20 % for 10m (no user traffic), 1234 copies compared, 0.4 % disagree" from the step and lastDecision.shadow.
local function shadow_progress(shadow, decision)
  local text = ", shadow " .. tostring(shadow.percent) .. " % for " .. tostring(shadow.duration) .. " (no user traffic)"
  local numbers = decision and decision.shadow or nil
  if numbers == nil or numbers.comparedCopies == nil then
    return text .. ", no copies compared yet"
  end
  text = text .. ", " .. tostring(numbers.comparedCopies) .. " copies compared"
  if numbers.disagreement ~= nil then
    text = text .. ", " .. percent(numbers.disagreement) .. " % disagree"
  end
  return text
end

local status = obj.status
if status == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to report status"
  return hs
end

local generation = obj.metadata and obj.metadata.generation or nil
if generation ~= nil and (status.observedGeneration == nil or status.observedGeneration < generation) then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe generation " .. tostring(generation)
  return hs
end

local phase = status.phase or ""
local decision = status.lastDecision

if phase == "Invalid" then
  hs.status = "Degraded"
  hs.message = with_message("Invalid spec", condition(status, "Degraded") or condition(status, "Ready"))
  return hs
end

if phase == "RolledBack" then
  hs.status = "Degraded"
  local text = "Rolled back"
  local version = rolled_back_version(status)
  if version ~= nil then
    text = "Model version " .. version .. " rolled back"
  end
  if decision ~= nil and decision.message ~= nil and decision.message ~= "" then
    text = text .. ": " .. decision.message
  else
    text = with_message(text, condition(status, "RolledBack"))
  end
  hs.message = text
  return hs
end

if phase == "Degraded" then
  hs.status = "Degraded"
  hs.message = with_message("Degraded", problem(status))
  return hs
end

if phase == "Paused" or (obj.spec ~= nil and obj.spec.paused == true) then
  hs.status = "Suspended"
  local text = "Rollout paused"
  if status.canaryWeight ~= nil then
    text = text .. " at canary weight " .. tostring(status.canaryWeight) .. "%"
  end
  -- The Progressing condition says why: spec.paused, a pause step, or an inconclusive analysis.
  hs.message = with_message(text, condition(status, "Progressing"))
  return hs
end

if phase == "Progressing" or phase == "Pending" then
  hs.status = "Progressing"
  local text = "Rolling out"
  if status.canaryRevision ~= nil and status.canaryRevision.modelVersion ~= nil then
    text = "Rolling out model version " .. status.canaryRevision.modelVersion
  end
  if status.currentStepIndex ~= nil then
    text = text .. ", step " .. tostring(status.currentStepIndex + 1)
    local steps = obj.spec and obj.spec.rollout and obj.spec.rollout.steps or nil
    if steps ~= nil and #steps > 0 then
      text = text .. " of " .. tostring(#steps)
    end
  end
  local shadow = shadow_step(status)
  if shadow ~= nil then
    text = text .. shadow_progress(shadow, decision)
  elseif status.canaryWeight ~= nil then
    text = text .. ", canary weight " .. tostring(status.canaryWeight) .. "%"
  end
  if phase == "Pending" then
    text = with_message("Waiting for the stable revision to become ready", condition(status, "Ready"))
  end
  hs.message = text
  return hs
end

if phase == "Healthy" then
  local ready = condition(status, "Ready")
  if ready ~= nil and ready.status ~= "True" then
    hs.status = "Degraded"
    hs.message = with_message("Not ready", ready)
    return hs
  end
  -- Just promoted and still under the bake guard: a failure now rolls back to the revision kept warm,
  -- so Argo CD should not treat the rollout as finished (sync waves wait) until the bake is over.
  if status.bakeUntil ~= nil then
    hs.status = "Progressing"
    local text = "Baking"
    if status.stableRevision ~= nil and status.stableRevision.modelVersion ~= nil then
      text = "Baking model version " .. status.stableRevision.modelVersion
    end
    hs.message = with_message(text, condition(status, "Progressing"))
    return hs
  end
  hs.status = "Healthy"
  if status.stableRevision ~= nil and status.stableRevision.modelVersion ~= nil then
    hs.message = "Serving model version " .. status.stableRevision.modelVersion
  else
    hs.message = "Healthy"
  end
  -- The bake ended on time but no analysis run passed in it: still healthy (it serves), but unproven.
  if decision ~= nil and decision.reason == "BakeInconclusive" and decision.message ~= nil then
    hs.message = hs.message .. ", promoted without evidence: " .. decision.message
  end
  return hs
end

hs.status = "Progressing"
hs.message = "Phase " .. phase
return hs
