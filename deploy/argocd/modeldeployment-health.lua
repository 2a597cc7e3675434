-- Argo CD health check for modeloperator.io/ModelDeployment.
-- Install it under resource.customizations.health.modeloperator.io_ModelDeployment in argocd-cm
-- (see deploy/argocd/README.md). It reads only .metadata.generation, .spec.paused and .status,
-- which the operator owns, so Argo CD shows what the operator decided:
--   Healthy      the model is served by its stable revision and nothing is rolling out
--   Progressing  a canary is stepping through its rollout, or the operator has not caught up yet
--   Suspended    the rollout is paused (spec.paused, or a pause step without a duration)
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
  if status.canaryRevision ~= nil and status.canaryRevision.modelVersion ~= nil then
    text = "Model version " .. status.canaryRevision.modelVersion .. " rolled back"
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
  hs.message = with_message("Degraded", condition(status, "Degraded"))
  return hs
end

if phase == "Paused" or (obj.spec ~= nil and obj.spec.paused == true) then
  hs.status = "Suspended"
  hs.message = "Rollout paused"
  if status.canaryWeight ~= nil then
    hs.message = hs.message .. " at canary weight " .. tostring(status.canaryWeight) .. "%"
  end
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
  end
  if status.canaryWeight ~= nil then
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
  hs.status = "Healthy"
  if status.stableRevision ~= nil and status.stableRevision.modelVersion ~= nil then
    hs.message = "Serving model version " .. status.stableRevision.modelVersion
  else
    hs.message = "Healthy"
  end
  return hs
end

hs.status = "Progressing"
hs.message = "Phase " .. phase
return hs
