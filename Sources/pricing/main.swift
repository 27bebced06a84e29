import PricingCLI

PricingCommand.main()
